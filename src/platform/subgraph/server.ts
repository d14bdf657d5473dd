import { ApolloServer, type ApolloServerPlugin, type BaseContext } from '@apollo/server';
import { ApolloServerPluginCacheControl } from '@apollo/server/plugin/cacheControl';
import { ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { GraphQLSchema } from 'graphql';
import type { Registry } from 'prom-client';
import { ErrorCode } from '../errors';
import { verifyRequest, type ForwardedIdentity } from '../identity/signing';
import type { Principal } from '../identity/principal';
import type { Logger } from '../logger';
import { sendError } from '../http/respond';
import { metricsRoute } from '../http/metrics';
import type { MetricsConfig } from '../config';
import type { DatabaseConnection } from '../db/client';
import type { Listening } from '../http/listen';
import { authPlugin, type AuthDefault } from './auth';
import { formatSubgraphError } from './format-error';
import { requestMetricsPlugin } from './metrics';

export interface SubgraphReadiness {
  /** `ready`, `degraded` (serves, but a dependency is down) or `unready` (cannot serve). */
  status: 'ready' | 'degraded' | 'unready';
  [detail: string]: unknown;
}

export interface SubgraphServerOptions<TContext extends BaseContext & { principal: Principal }> {
  /** The subgraph's name in the supergraph, for logs and metrics. */
  name: string;
  schema: GraphQLSchema;
  /** SUBGRAPH_SECRET: only requests signed with it are served. */
  secret: string;
  log: Logger;
  /** What a field without `@auth` allows: `allow` for public data, `deny` for personal data. */
  authDefault: AuthDefault;
  introspection: boolean;
  /** Production: no "Did you mean …?" suggestions, which would reveal the schema. */
  hideSchemaDetails: boolean;
  /** Default cache max-age of this subgraph's fields, in seconds (0: no-store). */
  defaultMaxAge: number;
  maxBodyBytes: number;
  registry: Registry;
  metrics: MetricsConfig;
  /** The per-request context, from the identity the gateway forwarded. */
  contextFor(identity: ForwardedIdentity): TContext;
  readiness(): Promise<SubgraphReadiness>;
  plugins?: Array<ApolloServerPlugin<TContext>>;
}

export interface SubgraphServer<TContext extends BaseContext> {
  app: Express;
  apollo: ApolloServer<TContext>;
  stop(): Promise<void>;
}

/** A subgraph of ours, listening. */
export interface RunningSubgraph {
  http: Listening;
  /** The GraphQL URL the gateway composes. */
  url: string;
  /** The subgraph's own database connection (tests and the index-coverage check observe its commands). */
  database: DatabaseConnection;
  /** Stops the listener, Apollo and the database connection (the caller drains the gateway first). */
  close(): Promise<void>;
}

type SignedRequest = Request & { rawBody?: string; identity?: ForwardedIdentity };

/**
 * Refuses every request the gateway did not sign (`_service` and `_entities`
 * included): a subgraph port reached directly yields nothing but 401.
 */
function requireSignature(secret: string, log: Logger) {
  return (req: SignedRequest, res: Response, next: NextFunction): void => {
    const verdict = verifyRequest(secret, (name) => req.header(name), req.rawBody ?? '');
    if (!verdict.ok) {
      log.warn('unsigned subgraph request refused', { reason: verdict.reason, ip: req.socket.remoteAddress });
      sendError(res, ErrorCode.UNAUTHENTICATED, 'This subgraph answers only requests signed by its gateway.');
      return;
    }
    req.identity = verdict.identity;
    next();
  };
}

/**
 * An Apollo Server 5 Federation 2 subgraph on Express: signed requests only,
 * `@auth` enforced, errors formatted with our codes, cache-control computed
 * from the schema's hints, health at /healthz and /readyz.
 */
export async function createSubgraphServer<TContext extends BaseContext & { principal: Principal; log: Logger }>(
  options: SubgraphServerOptions<TContext>,
): Promise<SubgraphServer<TContext>> {
  const { log } = options;
  const apollo = new ApolloServer<TContext>({
    schema: options.schema,
    introspection: options.introspection,
    hideSchemaDetailsFromClientErrors: options.hideSchemaDetails,
    allowBatchedHttpRequests: false,
    // Only the gateway reaches a subgraph, with signed POSTs; CSRF prevention guards browsers with cookies.
    csrfPrevention: false,
    formatError: (formatted, error) => formatSubgraphError(formatted, error, (internal) => log.error('unexpected error', { error: internal })),
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
      ApolloServerPluginCacheControl({ defaultMaxAge: options.defaultMaxAge }),
      authPlugin<TContext>(options.schema, options.authDefault),
      requestMetricsPlugin<TContext>(options.registry, options.name),
      ...(options.plugins ?? []),
    ],
    stopOnTerminationSignals: false,
  });
  await apollo.start();

  const app = express();
  app.disable('x-powered-by');
  app.use((_req, res, next) => {
    res.setHeader('x-content-type-options', 'nosniff');
    next();
  });
  app.get('/healthz', (_req, res) => void res.json({ status: 'ok', subgraph: options.name }));
  app.get('/readyz', async (_req, res) => {
    const readiness = await options.readiness();
    res.status(readiness.status === 'unready' ? 503 : 200).json({ subgraph: options.name, ...readiness });
  });
  metricsRoute(app, options.metrics, () => [options.registry]);
  const rawJson = express.json({ limit: options.maxBodyBytes, verify: (req: SignedRequest, _res, buffer) => void (req.rawBody = buffer.toString('utf8')) });
  app.use(
    '/graphql',
    rawJson,
    requireSignature(options.secret, log),
    expressMiddleware(apollo, { context: async ({ req }) => options.contextFor((req as SignedRequest).identity as ForwardedIdentity) }),
  );
  app.use((error: { type?: string }, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error);
    if (error.type === 'entity.too.large') return sendError(res, ErrorCode.PAYLOAD_TOO_LARGE, `The request body is larger than ${options.maxBodyBytes} bytes.`);
    if (error.type === 'entity.parse.failed') return sendError(res, ErrorCode.BAD_REQUEST, 'The request body is not valid JSON.');
    log.error('unhandled HTTP error', { error: String(error) });
    sendError(res, ErrorCode.INTERNAL_SERVER_ERROR, 'Internal server error');
  });
  return { app, apollo, stop: () => apollo.stop() };
}
