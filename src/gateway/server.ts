import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginCacheControl } from '@apollo/server/plugin/cacheControl';
import { expressMiddleware } from '@as-integrations/express5';
import cors from 'cors';
import express, { type Express } from 'express';
import { GraphQLError } from 'graphql';
import { createAuditTrail } from './audit/audit-log';
import { authenticate } from './auth/api-keys';
import { authPlugin } from './auth/directive';
import { ANONYMOUS, type Principal } from './auth/principal';
import type { GatewayConfig } from './config';
import type { PopulationClient } from './connectors/population/client';
import { createPopulationLookups } from './connectors/population/lookups';
import type { GatewayContext } from './context';
import { collections, type Collections } from './db/collections';
import type { DatabaseConnection } from './db/client';
import { MAX_PAGE_SIZE } from './db/paginate';
import { formatGatewayError } from './errors';
import { createExportHandler } from './http/export';
import { createIdeRouter, findExamplesDir, findIdeAssets } from './http/ide';
import { operationLimits } from './http/limits';
import { createMetrics } from './http/metrics';
import { InProcessRateLimitStore, rateLimit, type RateLimitStore } from './http/rate-limit';
import { readTrustedDocuments, trustedDocumentsPlugin } from './http/trusted-documents';
import { createLoaders, type LoaderMode } from './loaders';
import type { Logger } from './logger';
import { buildSchema } from './schema';

export const GATEWAY_VERSION: string = (() => {
  for (const candidate of [resolve(__dirname, '..', 'package.json'), resolve(__dirname, '..', '..', 'package.json')]) {
    try {
      return (JSON.parse(readFileSync(candidate, 'utf8')) as { version: string }).version;
    } catch {
      // try the next location
    }
  }
  return '0.0.0';
})();

export interface CreateServerOptions {
  config: Pick<GatewayConfig, 'dbRequestTimeoutMs' | 'auditHashKey' | 'ideEnabled' | 'introspectionEnabled' | 'limits' | 'corsOrigins' | 'trustedDocumentsFile' | 'cacheMaxAgeSeconds'>;
  /** Where rate-limit budgets live; in-process unless a shared store is given. */
  rateLimitStore?: RateLimitStore;
  /** The population connector; without it citizen fields fail with UPSTREAM_UNAVAILABLE. */
  population?: PopulationClient;
  database: DatabaseConnection;
  log: Logger;
  /** `naive` only for the benchmark's comparison (bench/); the gateway always batches. */
  loaderMode?: LoaderMode;
}

export interface GatewayServer {
  app: Express;
  apollo: ApolloServer<GatewayContext>;
  db: Collections;
  /** A fresh per-request context, for `apollo.executeOperation` in tests and tools. */
  createContext(requestId?: string, principal?: Principal, maxPageSize?: number): GatewayContext;
  /** Stops Apollo; drain HTTP first (src/http/graceful.ts). */
  stop(): Promise<void>;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * GraphQL over HTTP: a client that accepts only the legacy `application/json`
 * SHOULD get 200 for a request that fails to parse, validate or coerce its
 * variables (the errors are in the body); Apollo answers 400. Clients that
 * accept `application/graphql-response+json` keep the 4xx codes.
 */
const REQUEST_ERROR_CODES = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT', 'OPERATION_LIMIT_EXCEEDED']);
const legacyJsonStatusPlugin: ApolloServerPlugin<GatewayContext> = {
  async requestDidStart({ request }) {
    const accept = request.http?.headers.get('accept') ?? '';
    const legacyOnly = accept.includes('application/json') && !accept.includes('application/graphql-response+json');
    if (!legacyOnly) return;
    return {
      async willSendResponse({ response }) {
        const body = response.body.kind === 'single' ? response.body.singleResult : undefined;
        if (response.http.status === 400 && body && body.data === undefined && body.errors?.every((e) => REQUEST_ERROR_CODES.has(String(e.extensions?.code)))) {
          response.http.status = 200;
        }
      },
    };
  },
};

/**
 * Request deadline: resolvers cannot be aborted, but the caller gets 503
 * EXECUTION_TIMEOUT when the deadline passes, and the late result is dropped.
 * Database and upstream calls have their own, shorter timeouts.
 */
function executionDeadline(timeoutMs: number) {
  return (_req: express.Request, res: express.Response, next: express.NextFunction): void => {
    const timer = setTimeout(() => {
      if (res.headersSent) return;
      res.locals.timedOut = true;
      res.status(503).json({ errors: [{ message: `The request took longer than ${timeoutMs} ms and was abandoned.`, extensions: { code: 'EXECUTION_TIMEOUT' } }] });
    }, timeoutMs);
    res.once('close', () => clearTimeout(timer));
    next();
  };
}

/** Builds the Express app with Apollo mounted at /graphql. Does not listen. */
export async function createServer(options: CreateServerOptions): Promise<GatewayServer> {
  const { database, log } = options;
  const db = collections(database.db);
  const metrics = createMetrics(database.client, options.population);
  const limits = operationLimits(options.config.limits);
  const schema = buildSchema();
  const apollo = new ApolloServer<GatewayContext>({
    schema,
    validationRules: limits.validationRules,
    parseOptions: { maxTokens: options.config.limits.maxTokens },
    // Automatic persisted queries (Apollo's default, in-memory); off when only trusted documents may run.
    persistedQueries: options.config.trustedDocumentsFile ? false : undefined,
    allowBatchedHttpRequests: false,
    // CSRF prevention guards cookie sessions; this gateway authenticates by API-key headers, which a
    // browser never attaches to a cross-site request, so plain GETs (cacheable by proxies) may pass.
    csrfPrevention: false,
    formatError: (formatted, error) => formatGatewayError(formatted, error, (internal) => log.error('unexpected error', { error: String(internal) })),
    introspection: options.config.introspectionEnabled,
    plugins: [
      // The gateway serves its own offline IDE; Apollo's landing page would load from Apollo's CDN.
      ApolloServerPluginLandingPageDisabled(),
      authPlugin(schema),
      metrics.plugin,
      // Per-field traces for Apollo Studio are off: they would time every field for any caller who asks.
      ApolloServerPluginInlineTraceDisabled(),
      legacyJsonStatusPlugin,
      // Public catalogue data is cacheable by proxies; citizen and audit fields are maxAge 0 in the
      // schema, and any request made with an API key is private to its caller.
      ApolloServerPluginCacheControl({ defaultMaxAge: options.config.cacheMaxAgeSeconds }),
      {
        async requestDidStart() {
          return {
            // Runs after the cache-control plugin (listed before this one) has written its header.
            async willSendResponse({ contextValue, response }) {
              const header = response.http.headers.get('cache-control');
              if (contextValue.principal.keyId && header?.endsWith(', public')) response.http.headers.set('cache-control', header.replace(/public$/, 'private'));
            },
          };
        },
      },
      ...(options.config.trustedDocumentsFile ? [trustedDocumentsPlugin(readTrustedDocuments(options.config.trustedDocumentsFile))] : []),
      ...limits.plugins,

    ],
    // main.ts owns the signals: it stops Apollo, then the database, in order.
    stopOnTerminationSignals: false,
  });
  await apollo.start();

  const pingDatabase = async (): Promise<boolean> => {
    try {
      await database.db.command({ ping: 1 }, { timeoutMS: options.config.dbRequestTimeoutMs });
      return true;
    } catch {
      return false;
    }
  };

  const auditLog = db.auditLog;
  const audit = createAuditTrail(auditLog, options.config.auditHashKey);
  const createContext = (requestId: string = randomUUID(), principal: Principal = ANONYMOUS, maxPageSize: number = MAX_PAGE_SIZE): GatewayContext => ({
    db,
    loaders: createLoaders(db, options.loaderMode),
    log: log.child({ requestId }),
    requestId,
    principal,
    population: createPopulationLookups({ client: options.population, audit, principal, requestId, loaderMode: options.loaderMode }),
    audit,
    auditLog,
    maxPageSize,
    pingDatabase,
    version: GATEWAY_VERSION,
  });

  /** The caller behind `Authorization: Bearer <key>` or `X-API-Key`; anonymous without either. */
  const principalOf = async (header: (name: string) => string | undefined): Promise<Principal> => {
    const bearer = /^Bearer\s+(\S+)$/i.exec(header('authorization') ?? '')?.[1];
    const presented = bearer ?? header('x-api-key');
    if (!presented) return ANONYMOUS;
    const principal = await authenticate(database.db, presented);
    if (!principal) {
      throw new GraphQLError('The API key is not valid: unknown, malformed or revoked.', { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
    }
    return principal;
  };

  const app = express();
  app.disable('x-powered-by');
  app.use((req, res, next) => {
    // Accept a caller's request id if it is safe to log; otherwise make one.
    const given = req.header('x-request-id');
    const requestId = given && REQUEST_ID.test(given) ? given : randomUUID();
    res.locals.requestId = requestId;
    res.setHeader('x-request-id', requestId);
    next();
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  // Ready needs the database; a population upstream that is down only degrades (catalogue queries still work).
  app.get('/readyz', async (_req, res) => {
    const [database, population] = await Promise.all([pingDatabase(), options.population ? options.population.ping() : Promise.resolve(false)]);
    const status = !database ? 'unready' : population ? 'ready' : 'degraded';
    res.status(database ? 200 : 503).json({ status, database, population, breaker: options.population?.breaker.state ?? null });
  });
  if (options.config.corsOrigins.length > 0) {
    const origins = options.config.corsOrigins;
    app.use('/graphql', cors({ origin: origins.includes('*') ? '*' : origins, maxAge: 600 }));
  }
  if (options.config.ideEnabled) app.use(createIdeRouter({ assetsDir: findIdeAssets(), examplesDir: findExamplesDir(), graphqlPath: '/graphql' }));
  const limitRate = rateLimit({
    store: options.rateLimitStore ?? new InProcessRateLimitStore(),
    anonymousPerMinute: options.config.limits.anonymousPerMinute,
    keyPerMinute: options.config.limits.keyPerMinute,
    onReject: (keyed) => metrics.rateLimitRejections.inc({ caller: keyed ? 'key' : 'anonymous' }),
  });
  const parseJson = express.json({ limit: options.config.limits.maxBodyBytes });
  const exportCsv = createExportHandler({ apollo, createContext, principalOf, log });
  app.get('/graphql/export.csv', limitRate, exportCsv);
  app.post('/graphql/export.csv', limitRate, parseJson, exportCsv);
  app.use(
    '/graphql',
    limitRate,
    executionDeadline(options.config.limits.executionTimeoutMs),
    parseJson,
    expressMiddleware(apollo, {
      context: async ({ req, res }) => createContext(String(res.locals.requestId), await principalOf((name) => req.header(name))),
    }),
  );
  // Body-parser failures (too large, malformed JSON) answer in GraphQL's error shape, not Express's HTML page.
  app.use((error: { type?: string; status?: number }, _req: express.Request, res: express.Response, next: express.NextFunction) => {
    // The late result of a request already answered EXECUTION_TIMEOUT has nowhere to go.
    if (res.locals.timedOut) return;
    if (res.headersSent) return next(error);
    if (error.type === 'entity.too.large') {
      res.status(413).json({ errors: [{ message: `The request body is larger than ${options.config.limits.maxBodyBytes} bytes.`, extensions: { code: 'PAYLOAD_TOO_LARGE' } }] });
    } else if (error.type === 'entity.parse.failed') {
      res.status(400).json({ errors: [{ message: 'The request body is not valid JSON.', extensions: { code: 'BAD_REQUEST' } }] });
    } else {
      log.error('unhandled HTTP error', { error: String(error) });
      res.status(error.status && error.status >= 400 && error.status < 600 ? error.status : 500).json({ errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
    }
  });
  return { app, apollo, db, createContext, stop: () => apollo.stop() };
}
