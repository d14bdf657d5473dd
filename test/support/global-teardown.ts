import { rm } from 'node:fs/promises';

export default async function globalTeardown(): Promise<void> {
  await globalThis.__TEST_DATABASE__?.stop();
  if (process.env.TEST_DB_DATA_DIR) await rm(process.env.TEST_DB_DATA_DIR, { recursive: true, force: true });
}
