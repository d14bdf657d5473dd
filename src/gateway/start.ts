import { Registry } from 'prom-client';
import { GracefulHttp } from '../platform/http/graceful';
import { listen, type Listening } from '../platform/http/listen';
import { startMetricsServer } from '../platform/http/metrics';
import type { Logger } from '../platform/logger';
import { projectPath } from '../platform/paths';
import type { KeyStore } from './api-keys';
import { DRAIN_SHARE_OF_SHUTDOWN, type GatewayConfig } from './config';
import { readExamples } from './ide/router';
import { readTrustedDocuments } from './edge/persisted';
import { createGateway, type Gateway } from './server';
import { CompositionError } from './supergraph/compose';
import type { SupergraphSource } from './supergraph/source';
import type { RateLimitStore } from './rate-limit';
import { parse, Kind, type OperationDefinitionNode } from 'graphql';

export interface RunningGateway {
  gateway: Gateway;
  http: Listening;
  metrics: Listening | undefined;
  /** Drains requests in flight (new ones get 503 SHUTTING_DOWN), then stops the engine. */
  drain(deadline: number): Promise<{ unfinished: number }>;
}

/**
 * The engine registers a handler that disposes it at once on SIGTERM and
 * SIGINT, which aborts the requests in flight. Shutdown is ours to order
 * (drain, then dispose: src/main.ts), so those handlers are removed; the
 * engine still disposes itself on process exit.
 */
function detachEngineSignalHandlers(): void {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    for (const listener of process.listeners(signal)) if (listener.name === 'terminateHandler') process.removeListener(signal, listener);
  }
}

/** Operation names the gateway may use as metric labels: the schema's examples and the trusted documents. */
async function knownOperations(config: GatewayConfig): Promise<Set<string>> {
  const texts = (await readExamples(projectPath('schema', 'examples'))).map((example) => example.query);
  if (config.trustedDocumentsFile) texts.push(...readTrustedDocuments(config.trustedDocumentsFile).values());
  const names = texts.flatMap((text) => {
    try {
      return parse(text).definitions.flatMap((d) =>
        d.kind === Kind.OPERATION_DEFINITION && (d as OperationDefinitionNode).name ? [(d as OperationDefinitionNode).name?.value as string] : [],
      );
    } catch {
      return [];
    }
  });
  return new Set(names);
}

/** Timeouts that defeat each other: said once at start, since each shows only as a puzzling error later. */
function warnOfTimeouts(config: GatewayConfig, log: Logger): void {
  // The request's deadline then cuts a hung subgraph's call first: it shows as EXECUTION_TIMEOUT, never as `subgraph unavailable`.
  if (config.subgraphTimeoutMs >= config.limits.executionTimeoutMs)
    log.warn('SUBGRAPH_TIMEOUT_MS is not below EXECUTION_TIMEOUT_MS: a subgraph that hangs is not reported as unavailable', {
      subgraphTimeoutMs: config.subgraphTimeoutMs,
      executionTimeoutMs: config.limits.executionTimeoutMs,
    });
  // A request running at SIGTERM may otherwise be cut before its own deadline on every deploy.
  const drainMs = Math.round(config.shutdownTimeoutMs * DRAIN_SHARE_OF_SHUTDOWN);
  if (drainMs < config.limits.executionTimeoutMs)
    log.warn('SHUTDOWN_TIMEOUT_MS leaves less time to drain than EXECUTION_TIMEOUT_MS: a request running at shutdown may be cut before its deadline', {
      drainMs,
      executionTimeoutMs: config.limits.executionTimeoutMs,
    });
}

export interface StartGatewayOptions {
  config: GatewayConfig;
  source: SupergraphSource;
  secret: string | undefined;
  keys: KeyStore;
  log: Logger;
  registry?: Registry;
  otherRegistries?: () => Registry[];
  rateLimitStore?: RateLimitStore;
}

/**
 * Loads the supergraph (a failure here stops start-up with one line naming
 * the subgraph), then serves it on PORT. SUPERGRAPH_POLL_SECONDS (and the
 * caller, on SIGHUP) reload it; a failed reload keeps the last good one.
 */
export async function startGateway(options: StartGatewayOptions): Promise<RunningGateway> {
  const { config, source, log } = options;
  warnOfTimeouts(config, log);
  try {
    await source.reload();
  } catch (error) {
    if (error instanceof CompositionError) throw new Error(`Composition failed: ${error.line}`, { cause: error });
    throw error;
  }
  const registry = options.registry ?? new Registry();
  const gateway = createGateway({
    config,
    source,
    secret: options.secret,
    keys: options.keys,
    log,
    registry,
    otherRegistries: options.otherRegistries,
    rateLimitStore: options.rateLimitStore,
    knownOperations: await knownOperations(config),
  });
  detachEngineSignalHandlers();
  // Start on shared state when Redis answers soon; without it, serve anyway (in-process, logged once) and switch when it comes.
  if (gateway.redis) await gateway.redis.waitUntilUp(Math.max(config.redis?.timeoutMs ?? 0, 2_000));
  const graceful = new GracefulHttp();
  const http = await listen(graceful.handler(gateway.app), config.port, config.host);
  const metrics = await startMetricsServer(config.metrics, config.host, () => [registry, ...(options.otherRegistries?.() ?? [])]);
  const poll = config.supergraphPollSeconds > 0 ? setInterval(() => void gateway.reload(), config.supergraphPollSeconds * 1000) : undefined;
  poll?.unref();
  log.info('gateway ready', { url: `${http.url}/graphql`, subgraphs: source.state.subgraphs.map((s) => s.name) });
  return {
    gateway,
    http,
    metrics,
    async drain(deadline) {
      if (poll) clearInterval(poll);
      const result = await graceful.drain(http.server, deadline);
      await metrics?.close();
      await gateway.stop();
      return result;
    },
  };
}
