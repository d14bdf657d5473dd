import { createHash } from 'node:crypto';
import type { GatewayRuntime } from '@graphql-hive/gateway-runtime';
import cors from 'cors';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { Registry } from 'prom-client';
import { ErrorCode } from '../platform/errors';
import { metricsRoute } from '../platform/http/metrics';
import { sendError } from '../platform/http/respond';
import type { Logger } from '../platform/logger';
import type { KeyStore } from './api-keys';
import type { GatewayConfig } from './config';
import { createExportHandler } from './export/export';
import { readiness } from './health';
import { createIdeRouter, findExamplesDir, findIdeAssets } from './ide/router';
import type { RateLimitStore } from './rate-limit';
import { createRuntime } from './runtime';
import type { GatewayRedis } from './shared/redis';
import { createSharedState } from './shared/state';
import { personalFields } from './supergraph/personal';
import type { SupergraphSource } from './supergraph/source';

export interface GatewayOptions {
  config: GatewayConfig;
  /** Loaded: the gateway starts only once it can serve. */
  source: SupergraphSource;
  secret: string | undefined;
  keys: KeyStore;
  log: Logger;
  registry: Registry;
  /** Registries of components in the same process (our subgraphs under `npm start`), scraped with the gateway's. */
  otherRegistries?: () => Registry[];
  /** Where rate-limit budgets live; REDIS_URL's (else in-process) unless a store is given. */
  rateLimitStore?: RateLimitStore;
  knownOperations: ReadonlySet<string>;
}

export interface Gateway {
  app: Express;
  runtime: GatewayRuntime;
  /** The connection to REDIS_URL, when set. */
  redis: GatewayRedis | undefined;
  /** Loads the supergraph again (SIGHUP, polling); a failure keeps the last good one. */
  reload(): Promise<void>;
  stop(): Promise<void>;
}

function bodyErrors(maxBodyBytes: number, log: Logger) {
  return (error: { type?: string; status?: number }, _req: Request, res: Response, next: NextFunction): void => {
    if (res.headersSent) return next(error);
    if (error.type === 'entity.too.large') return sendError(res, ErrorCode.PAYLOAD_TOO_LARGE, `The request body is larger than ${maxBodyBytes} bytes.`);
    if (error.type === 'entity.parse.failed') return sendError(res, ErrorCode.BAD_REQUEST, 'The request body is not valid JSON.');
    log.error('unhandled HTTP error', { error: String(error) });
    sendError(res, ErrorCode.INTERNAL_SERVER_ERROR, 'Internal server error');
  };
}

/** The personal fields of the supergraph now served, computed again only when it changes. */
function personalFieldsOf(source: SupergraphSource, subgraphs: readonly string[]): () => ReadonlySet<string> {
  let cached = { sdl: '', fields: new Set<string>() as ReadonlySet<string> };
  return () => {
    const sdl = source.current();
    if (sdl !== cached.sdl) cached = { sdl, fields: personalFields(sdl, subgraphs) };
    return cached.fields;
  };
}

/**
 * A short id of the schema now served, computed again only when it changes.
 * Subgraph URLs are left out: instances that each run their own subgraphs on
 * their own ports (`npm start`) serve the same graph and share its responses.
 */
function supergraphIdOf(source: SupergraphSource): () => string {
  let cached = { sdl: '', id: '' };
  return () => {
    const sdl = source.current();
    if (sdl === cached.sdl) return cached.id;
    const withoutUrls = sdl.replace(/(@join__graph\([^)]*url:\s*)"[^"]*"/g, '$1""');
    cached = { sdl, id: createHash('sha256').update(withoutUrls).digest('hex').slice(0, 16) };
    return cached.id;
  };
}

/** The gateway's HTTP surface: /graphql (the engine), the IDE, the CSV export, health and metrics. Does not listen. */
export function createGateway(options: GatewayOptions): Gateway {
  const { config, source, log } = options;
  const personal = personalFieldsOf(source, config.personalSubgraphs);
  const shared = createSharedState({
    config,
    registry: options.registry,
    log,
    personalFields: personal,
    supergraphId: supergraphIdOf(source),
    rateLimitStore: options.rateLimitStore,
  });
  const runtime = createRuntime({
    config,
    supergraph: () => source.current(),
    secret: options.secret,
    keys: options.keys,
    rateLimitStore: shared.rateLimitStore,
    apqStore: shared.apqStore,
    responseCache: shared.responseCache,
    registry: options.registry,
    knownOperations: options.knownOperations,
    log,
  });
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use((_req, res, next) => {
    res.setHeader('x-content-type-options', 'nosniff');
    next();
  });
  app.get('/healthz', (_req, res) => void res.json({ status: 'ok' }));
  app.get('/readyz', async (_req, res) => {
    const ready = await readiness(source.state, options.secret, shared.redis);
    res.status(ready.status === 'unready' ? 503 : 200).json(ready);
  });
  metricsRoute(app, config.metrics, () => [options.registry, ...(options.otherRegistries?.() ?? [])]);
  // Before the IDE's routes: Express would answer their OPTIONS itself.
  if (config.corsOrigins.length > 0) app.use('/graphql', cors({ origin: config.corsOrigins.includes('*') ? '*' : config.corsOrigins, maxAge: 600 }));
  if (config.ideEnabled) app.use(createIdeRouter({ assetsDir: findIdeAssets(), examplesDir: findExamplesDir(), graphqlPath: '/graphql' }));
  const parseJson = express.json({ limit: config.limits.maxBodyBytes });
  const exportCsv = createExportHandler({ runtime, config, log, personalFields: personal, signed: options.secret !== undefined });
  app.get('/graphql/export.csv', exportCsv);
  app.post('/graphql/export.csv', parseJson, exportCsv);
  app.use('/graphql', parseJson, runtime);
  app.use((_req, res) => sendError(res, ErrorCode.NOT_FOUND, 'No such route: GraphQL is at /graphql.'));
  app.use(bodyErrors(config.limits.maxBodyBytes, log));
  return {
    app,
    runtime,
    redis: shared.redis,
    async reload() {
      // Typed void, but the engine returns the reload's promise: wait for the new supergraph to be in use.
      if (await source.reload()) await (runtime.invalidateUnifiedGraph() as unknown as Promise<unknown> | undefined);
    },
    stop: async () => {
      await runtime.dispose();
      await shared.redis?.close();
    },
  };
}
