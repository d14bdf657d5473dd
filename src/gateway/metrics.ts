import type { ApolloServerPlugin } from '@apollo/server';
import type { MongoClient } from 'mongodb';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { PopulationClient } from '../connectors/population/client';
import type { GatewayContext } from '../context';

/** Prometheus metrics of one gateway instance (a registry of its own, so tests can run several). */
export interface GatewayMetrics {
  registry: Registry;
  rateLimitRejections: Counter<'caller'>;
  plugin: ApolloServerPlugin<GatewayContext>;
}

const BREAKER_STATES = { closed: 0, 'half-open': 1, open: 2 } as const;

export function createMetrics(database: MongoClient, population: PopulationClient | undefined): GatewayMetrics {
  const registry = new Registry();
  const requests = new Counter({
    name: 'gateway_graphql_requests_total',
    help: 'GraphQL operations by operation name and outcome (success, error, rejected before execution).',
    labelNames: ['operation', 'outcome'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'gateway_graphql_request_duration_seconds',
    help: 'Time from receiving a GraphQL operation to sending its response.',
    labelNames: ['operation'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const dbCommands = new Counter({ name: 'gateway_database_commands_total', help: 'Commands sent to the database, by command name.', labelNames: ['command'] as const, registers: [registry] });
  const upstreamCalls = new Counter({
    name: 'gateway_population_calls_total',
    help: 'Calls to the population database upstream, by endpoint and HTTP status (or timeout/network).',
    labelNames: ['path', 'status'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'gateway_population_breaker_state',
    help: 'Circuit breaker of the population upstream: 0 closed, 1 half-open, 2 open.',
    registers: [registry],
    collect() {
      if (population) this.set(BREAKER_STATES[population.breaker.state]);
    },
  });
  const rateLimitRejections = new Counter({ name: 'gateway_rate_limit_rejections_total', help: 'Requests refused with 429, by caller kind (key or anonymous).', labelNames: ['caller'] as const, registers: [registry] });

  // Needs `monitorCommands: true` on the client (src/db/client.ts sets it).
  database.on('commandStarted', (event) => dbCommands.inc({ command: event.commandName }));
  population?.observe((event) => upstreamCalls.inc({ path: event.path, status: String(event.status) }));

  const plugin: ApolloServerPlugin<GatewayContext> = {
    async requestDidStart() {
      const started = process.hrtime.bigint();
      let operation = 'unknown';
      let executed = false;
      return {
        async didResolveOperation({ operationName }) {
          operation = operationName ?? 'anonymous';
        },
        async executionDidStart() {
          executed = true;
        },
        async willSendResponse({ response, errors, contextValue }) {
          const outcome = !executed ? 'rejected' : errors?.length || (response.body.kind === 'single' && response.body.singleResult.errors?.length) ? 'error' : 'success';
          requests.inc({ operation, outcome });
          const seconds = Number(process.hrtime.bigint() - started) / 1e9;
          latency.observe({ operation }, seconds);
          // The access log: ids and outcome only, never variables or results (they may be personal).
          contextValue.log.info('graphql request', { operation, outcome, ms: Math.round(seconds * 1000), role: contextValue.principal.role });
        },
      };
    },
  };
  return { registry, rateLimitRejections, plugin };
}
