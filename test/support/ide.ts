import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { findIdeAssets } from '../../src/gateway/ide/router';
import { startTestStack, type TestStack } from './stack';

/**
 * dist/ide, (re)built when stale: `npm test` has built it already, but jest alone after editing
 * ide-client/ must not test an old bundle. Up to date, the script only hashes its inputs (~0.1 s).
 */
export function ensureIdeBuilt(): string {
  execFileSync(process.execPath, [resolve(__dirname, '..', '..', 'scripts', 'build-ide.js')], { stdio: ['ignore', 'pipe', 'pipe'] });
  const built = findIdeAssets();
  if (!built) throw new Error('scripts/build-ide.js ran but dist/ide/manifest.json is missing');
  return built;
}

export interface IdeTestServer {
  baseUrl: string;
  assetsDir: string;
  /** The stack behind the IDE: its database (for keys) and `graphql` for reference answers. */
  stack: TestStack;
  close(): Promise<void>;
}

/**
 * The whole gateway, as `npm start` runs it, serving a freshly (re)built IDE bundle
 * (built before the gateway starts, so its router serves the new one).
 */
export async function startIdeServer(): Promise<IdeTestServer> {
  const assetsDir = ensureIdeBuilt();
  const stack = await startTestStack();
  return { baseUrl: stack.url, assetsDir, stack, close: () => stack.close() };
}
