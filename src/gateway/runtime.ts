import { createGatewayRuntime, type GatewayPlugin, type GatewayRuntime } from '@graphql-hive/gateway-runtime';
import httpTransport from '@graphql-mesh/transport-http';
import { useRequestDeadline } from '@whatwg-node/server';
import type { Registry } from 'prom-client';
import { ErrorCode } from '../platform/errors';
import { errorResponse } from '../platform/http/respond';
import type { Logger } from '../platform/logger';
import type { KeyStore } from './api-keys';
import type { GatewayConfig } from './config';
import { cacheControlPlugin } from './edge/cache-control';
import { maskGatewayError } from './edge/errors';
import { identityPlugin } from './edge/identity';
import { limitsPlugin } from './edge/limits';
import { createEdgeMetrics } from './edge/metrics';
import { automaticPersistedQueries, readTrustedDocuments, requestShapePlugin, trustedDocumentsPlugin } from './edge/persisted';
import { signingPlugin } from './edge/signing';
import { engineLogger } from './engine-log';
import type { RateLimitStore } from './rate-limit';

export interface RuntimeOptions {
  config: GatewayConfig;
  /** The supergraph now served (the source keeps the last good one). */
  supergraph: () => string;
  secret: string;
  keys: KeyStore;
  rateLimitStore: RateLimitStore;
  registry: Registry;
  /** Operation names that may become metric labels. */
  knownOperations: ReadonlySet<string>;
  log: Logger;
}

/** How long in-flight requests may finish on the previous supergraph after a reload. */
const RELOAD_DRAIN_MS = 60_000;

/** The edge, in the order a request meets it. */
function edgePlugins(options: RuntimeOptions): GatewayPlugin[] {
  const { config, log } = options;
  const metrics = createEdgeMetrics(options.registry, options.knownOperations, log);
  const persisted = config.trustedDocumentsFile ? trustedDocumentsPlugin(readTrustedDocuments(config.trustedDocumentsFile)) : automaticPersistedQueries();
  return [
    useRequestDeadline({
      timeout: config.limits.executionTimeoutMs,
      response: () =>
        errorResponse(ErrorCode.EXECUTION_TIMEOUT, `The request took longer than ${config.limits.executionTimeoutMs} ms and was abandoned.`, { headers: { connection: 'close' } }),
    }) as GatewayPlugin,
    identityPlugin({ keys: options.keys, limits: config.rateLimits, store: options.rateLimitStore, metrics, log }),
    metrics.plugin,
    requestShapePlugin(),
    persisted,
    ...limitsPlugin(config.limits, config.production),
    signingPlugin(options.secret),
    cacheControlPlugin(),
  ];
}

/**
 * The federation engine: Hive Gateway's runtime (MIT) over the supergraph,
 * with the edge as its plugins. Subgraph calls have a timeout; a reload lets
 * requests in flight finish on the previous supergraph.
 */
export function createRuntime(options: RuntimeOptions): GatewayRuntime {
  const { config, log } = options;
  return createGatewayRuntime({
    supergraph: () => options.supergraph(),
    transports: { http: httpTransport },
    plugins: () => edgePlugins(options),
    logging: engineLogger(log),
    maskedErrors: { maskError: (error) => maskGatewayError(error, log) },
    upstreamTimeout: config.subgraphTimeoutMs,
    upstreamCancellation: true,
    gracefulSchemaReload: { drainTimeout: RELOAD_DRAIN_MS },
    requestId: false,
    landingPage: false,
    graphiql: false,
    graphqlEndpoint: '/graphql',
    batching: false,
    // CORS is answered in front of the engine (src/gateway/server.ts), before the IDE's routes.
    cors: false,
    disableIntrospection: config.introspectionEnabled ? undefined : {},
    subgraphErrors: { errorCode: false, subgraphNameProp: 'serviceName' },
  });
}
