import { rm } from 'node:fs/promises';
import { checkRecordedReads } from './index-coverage';

export default async function globalTeardown(): Promise<void> {
  try {
    await globalThis.__TEST_DATABASE__?.stop();
    if (process.env.TEST_DB_DATA_DIR) await rm(process.env.TEST_DB_DATA_DIR, { recursive: true, force: true });
  } finally {
    // Throwing here fails the jest run (exit code 1) after every test file has run.
    checkRecordedReads();
  }
}
