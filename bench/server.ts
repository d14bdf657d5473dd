/**
 * One benchmark target in its own process, so the load generator (bench/run.ts)
 * never shares an event loop with what it measures:
 *
 *   node dist/bench/server.js <shipped|naive|rest>
 *
 * Reads MONGODB_URI, MONGODB_DB and POPULATION_API_URL from the environment,
 * listens on a free loopback port and prints one JSON line `{"port": N}`.
 * Besides the variant's own routes it answers GET /__bench/commands with the
 * number of database commands sent so far (for commands per operation) and
 * the number still running (to wait for abandoned requests between measurements).
 */
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { loadConfig } from '../src/config';
import { createPopulationClient } from '../src/connectors/population/client';
import { collections } from '../src/db/collections';
import { connectDatabase } from '../src/db/client';
import { createLogger } from '../src/logger';
import { createServer } from '../src/server';
import { createRestFloor } from './rest-floor';
import { VARIANTS, type Variant } from './results';

/** Long enough for a full scan of the largest catalogue on the local database; the benchmark reports the time. */
const BENCH_TIMEOUT_MS = 30 * 60_000;

async function main(): Promise<void> {
  const variant = process.argv[2] as Variant;
  if (!VARIANTS.includes(variant)) throw new Error(`usage: server.js <${VARIANTS.join('|')}>`);
  const config = loadConfig();
  if (!config.mongodbUri) throw new Error('MONGODB_URI must be set (bench/run.ts starts the database)');
  const log = createLogger('error', { service: `bench-${variant}` });
  const database = await connectDatabase({ uri: config.mongodbUri, databaseName: config.databaseName, connectTimeoutMs: 30_000, requestTimeoutMs: BENCH_TIMEOUT_MS, log });
  let commands = 0;
  let running = 0;
  database.client.on('commandStarted', () => {
    commands += 1;
    running += 1;
  });
  database.client.on('commandSucceeded', () => (running -= 1));
  database.client.on('commandFailed', () => (running -= 1));

  const app = express();
  app.get('/__bench/commands', (_req, res) => void res.json({ commands, running }));
  if (variant === 'rest') {
    app.use(createRestFloor(collections(database.db)));
  } else {
    // Limits that protect a public gateway would cut the load generator short; the benchmark measures throughput.
    const gatewayConfig = {
      ...config,
      dbRequestTimeoutMs: BENCH_TIMEOUT_MS,
      limits: { ...config.limits, executionTimeoutMs: BENCH_TIMEOUT_MS, anonymousPerMinute: 10_000_000, keyPerMinute: 10_000_000 },
    };
    const population = config.population.url ? createPopulationClient(config.population, config.population.url, log) : undefined;
    const gateway = await createServer({ config: gatewayConfig, database, log, population, loaderMode: variant === 'naive' ? 'naive' : 'batched' });
    app.use(gateway.app);
  }
  const server = createHttpServer(app);
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
  // The parent closes our stdin when it is done (or dies): exit then.
  process.stdin.resume();
  process.stdin.on('end', () => process.exit(0));
}

if (require.main === module)
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
