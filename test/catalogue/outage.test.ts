import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readGatewayConfig } from '../../src/gateway/config';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../../src/platform/db/embedded';
import { createLogger, silentLogger } from '../../src/platform/logger';
import { startOwnStack } from '../../src/stack';

/**
 * The database goes away while the gateway runs, then comes back: requests fail
 * cleanly with DATABASE_UNAVAILABLE meanwhile, and succeed again afterwards.
 * Uses a database server of its own so the shared one stays up.
 */
describe('database outage while running', () => {
  const cacheDir = resolve(__dirname, '..', '..', '.cache');
  let dataDir: string;
  let database: EmbeddedDatabase;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'dvc-gateway-outage-'));
    database = await startEmbeddedDatabase({ dataDir, cacheDir, log: silentLogger });
  });
  afterAll(async () => {
    await database.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('answers DATABASE_UNAVAILABLE during the outage and recovers after it', async () => {
    const env = { PORT: '0', MONGODB_DB: 'outage', SEED_ON_START: 'false', DB_REQUEST_TIMEOUT_MS: '500', DB_CONNECT_TIMEOUT_MS: '5000' };
    const logs: string[] = [];
    const stack = await startOwnStack({ env, config: readGatewayConfig(env), uri: database.uri, log: createLogger('debug', {}, (line) => logs.push(line)) });
    const run = async () => {
      const response = await fetch(`${stack.gateway.http.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ directives(first: 1) { totalCount } }' }),
      });
      return (await response.json()) as { data?: unknown; errors?: Array<{ message: string; extensions?: { code?: string } }> };
    };
    try {
      expect((await run()).data).toEqual({ directives: { totalCount: 0 } });

      await database.stop();
      const during = await run();
      expect(during.errors?.[0]?.extensions?.code).toBe('DATABASE_UNAVAILABLE');
      expect(during.errors?.[0]?.message).toMatch(/database is unavailable/);

      database = await startEmbeddedDatabase({ dataDir, cacheDir, port: database.port, log: silentLogger });
      let recovered = false;
      for (let attempt = 0; attempt < 40 && !recovered; attempt += 1) {
        recovered = (await run()).errors === undefined;
        if (!recovered) await new Promise((r) => setTimeout(r, 250));
      }
      expect(recovered).toBe(true);
      expect(logs.filter((line) => line.includes('"unexpected error"'))).toEqual([]);
    } finally {
      await stack.close(Date.now() + 2_000);
    }
  });
});
