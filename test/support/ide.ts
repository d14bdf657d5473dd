import { execFileSync } from 'node:child_process';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import express from 'express';
import { createIdeRouter, findExamplesDir, findIdeAssets } from '../../src/gateway/ide/router';
import type { TestGateway } from './gateway';

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
  close(): Promise<void>;
}

/**
 * The IDE router in front of a real gateway, as createServer mounts it, built from a freshly
 * (re)built bundle: our own Express app with the router first and the gateway's app as the fallback.
 */
export async function startIdeServer(t: TestGateway): Promise<IdeTestServer> {
  const assetsDir = ensureIdeBuilt();
  const app = express();
  app.use(createIdeRouter({ assetsDir, examplesDir: findExamplesDir(), graphqlPath: '/graphql' }));
  app.use(t.gateway.app);
  const server: Server = createHttpServer(app);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    assetsDir,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}
