import { Gauge, type Registry } from 'prom-client';
import type { DatabaseConnection } from '../../platform/db/client';
import { MAX_PAGE_SIZE } from '../../platform/db/paginate';
import type { Logger } from '../../platform/logger';
import { counter } from '../../platform/metrics';
import { projectPath } from '../../platform/paths';
import { countDatabaseCommands } from '../../platform/subgraph/metrics';
import { buildSubgraphSchema, readSubgraphSdl } from '../../platform/subgraph/schema';
import { createSubgraphServer, type SubgraphServer } from '../../platform/subgraph/server';
import { resolvers } from '../../../resolvers/population';
import { auditCollection, checkpointCollection, createAuditTrail, ensureAuditIndexes } from './audit/audit-log';
import type { PopulationConfig } from './config';
import type { PopulationClient } from './connector/client';
import { createPopulationLookups, type LookupDependencies } from './connector/lookups';
import { VerificationBudget } from './connector/verification-budget';
import type { PopulationContext } from './context';
import { citizenRequestLimitsPlugin } from './request-limits';

/** The population subgraph's SDL, as `_service { sdl }` returns it to composition. */
export function populationSdl(): string {
  return readSubgraphSdl(projectPath('schema', 'population'));
}

export interface PopulationSubgraphOptions {
  config: PopulationConfig;
  /** SUBGRAPH_SECRET (generated per run under `npm start`). */
  secret: string;
  /** The audit trail's database (never the catalogue's collections). */
  database: DatabaseConnection;
  /** The connector to the National Population Database (or its stub). */
  client: PopulationClient;
  log: Logger;
  registry: Registry;
  /** The benchmark's naive variant only (bench/naive.ts). */
  loaderOptions?: LookupDependencies['loaderOptions'];
}

const BREAKER_STATES = { closed: 0, 'half-open': 1, open: 2 } as const;

/** Upstream calls by endpoint and status, and the circuit breaker's state, in the subgraph's registry. */
function observeUpstream(client: PopulationClient, registry: Registry): void {
  const calls = counter(registry, 'population_upstream_calls_total', 'Calls to the National Population Database, by endpoint and HTTP status (or timeout/network).', [
    'path',
    'status',
  ]);
  client.observe((event) => calls.inc({ path: event.path, status: String(event.status) }));
  new Gauge({
    name: 'population_upstream_breaker_state',
    help: 'Circuit breaker of the population upstream: 0 closed, 1 half-open, 2 open.',
    registers: [registry],
    collect() {
      this.set(BREAKER_STATES[client.breaker.state]);
    },
  });
}

/** The population subgraph: citizens, verification and the audit trail, over the population connector. */
export async function createPopulationSubgraph(options: PopulationSubgraphOptions): Promise<SubgraphServer<PopulationContext>> {
  const { config, database, log, client } = options;
  const auditLog = auditCollection(database.db);
  const checkpoints = checkpointCollection(database.db);
  await ensureAuditIndexes(auditLog, checkpoints);
  const audit = createAuditTrail({ pages: auditLog, checkpoints, hashKey: config.auditHashKey, previousHashKeys: config.auditPreviousHashKeys, ...config.auditChain, log });
  log.info('audit chain started', { chain: audit.chain.chain, publicKeyId: config.auditChain.signer.publicKeyId });
  const verifications = new VerificationBudget(config.maxVerificationsPerKeyPerHour);
  countDatabaseCommands(database.client, options.registry, 'population');
  observeUpstream(client, options.registry);
  const pingDatabase = (): Promise<boolean> =>
    database.db.command({ ping: 1 }).then(
      () => true,
      () => false,
    );
  const server = await createSubgraphServer<PopulationContext>({
    name: 'population',
    schema: buildSubgraphSchema(populationSdl(), resolvers),
    secret: options.secret,
    log,
    authDefault: 'deny',
    introspection: config.introspectionEnabled,
    hideSchemaDetails: config.production,
    // Personal data: never cached by anyone (`cache-control: no-store`).
    defaultMaxAge: 0,
    maxBodyBytes: config.maxBodyBytes,
    registry: options.registry,
    metrics: config.metrics,
    plugins: [citizenRequestLimitsPlugin(config)],
    contextFor: (identity) => {
      const context = { principal: identity.principal, requestId: identity.requestId, correlationId: identity.correlationId };
      return {
        log: log.child({ requestId: identity.requestId }),
        requestId: identity.requestId,
        principal: identity.principal,
        population: createPopulationLookups({ client, audit, context, verifications, loaderOptions: options.loaderOptions }),
        audit,
        auditLog,
        maxPageSize: MAX_PAGE_SIZE,
      };
    },
    readiness: async () => {
      const [db, upstream] = await Promise.all([pingDatabase(), client.ping()]);
      return { status: !db ? 'unready' : upstream ? 'ready' : 'degraded', database: db, upstream, breaker: client.breaker.state };
    },
  });
  // Requests have finished when the server stops: the chain is then sealed with a final checkpoint.
  return { ...server, stop: () => server.stop().finally(() => audit.close()) };
}
