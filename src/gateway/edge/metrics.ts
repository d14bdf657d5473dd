import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { getOperationAST, type ExecutionResult } from 'graphql';
import type { Registry } from 'prom-client';
import type { Logger } from '../../platform/logger';
import { counter, histogram } from '../../platform/metrics';
import { edgeOf, type EdgeServerContext } from './state';

export interface EdgeMetrics {
  rejected(reason: 'key' | 'anonymous' | 'failed_auth'): void;
  authenticationFailed(): void;
  plugin: GatewayPlugin;
}

/** Most distinct operation names that may become label values; the rest are "other". */
export const MAX_OPERATION_LABELS = 200;

function hasErrors(result: unknown): boolean {
  return Array.isArray((result as ExecutionResult | undefined)?.errors) && ((result as ExecutionResult).errors?.length ?? 0) > 0;
}

/**
 * Prometheus metrics and the access log of the gateway. We keep our own
 * rather than the engine's Prometheus plugin because its operation-name label
 * takes any name a caller sends (unbounded series); here only names the
 * gateway knows (trusted documents, the schema's examples) become labels,
 * everything else is "other", and subgraph calls are counted per subgraph.
 */
export function createEdgeMetrics(registry: Registry, knownOperations: ReadonlySet<string>, log: Logger): EdgeMetrics {
  const allowed = new Set([...knownOperations].slice(0, MAX_OPERATION_LABELS));
  const requests = counter(registry, 'gateway_requests_total', 'GraphQL requests by operation (known names, else "other") and outcome (success, error, rejected).', [
    'operation',
    'outcome',
  ]);
  const latency = histogram(registry, 'gateway_request_duration_seconds', 'Time from receiving a GraphQL request to answering it.', ['operation']);
  const rejections = counter(registry, 'gateway_rate_limit_rejections_total', 'Requests refused with 429, by reason (key, anonymous, failed_auth).', ['reason']);
  const authFailures = counter(registry, 'gateway_authentication_failures_total', 'Requests with an API key that did not verify.', []);
  const subgraphCalls = counter(registry, 'gateway_subgraph_requests_total', 'Requests the gateway sent to subgraphs, by subgraph and outcome (success, error).', [
    'subgraph',
    'outcome',
  ]);
  const subgraphLatency = histogram(registry, 'gateway_subgraph_request_duration_seconds', 'Time a subgraph took to answer the gateway.', ['subgraph']);

  const plugin: GatewayPlugin = {
    onExecute({ args }) {
      const state = edgeOf(args.contextValue);
      if (!state) return;
      state.executed = true;
      const name = getOperationAST(args.document, args.operationName)?.name?.value;
      state.operation = name && allowed.has(name) ? name : 'other';
    },
    onExecutionResult({ result, context }) {
      const state = edgeOf(context);
      if (state && hasErrors(result)) state.failed = true;
    },
    onSubgraphExecute({ subgraphName }) {
      const stop = subgraphLatency.startTimer({ subgraph: subgraphName });
      return ({ result }) => {
        stop();
        subgraphCalls.inc({ subgraph: subgraphName, outcome: hasErrors(result) ? 'error' : 'success' });
      };
    },
    onResponse({ serverContext, response }) {
      const state = (serverContext as EdgeServerContext).edge;
      if (!state) return;
      const outcome = !state.executed ? 'rejected' : state.failed ? 'error' : 'success';
      const seconds = (performance.now() - state.startedAt) / 1000;
      requests.inc({ operation: state.operation, outcome });
      latency.observe({ operation: state.operation }, seconds);
      // The access log: ids and outcome only, never variables or results (they may be personal).
      log.info('graphql request', {
        requestId: state.requestId,
        correlationId: state.correlationId,
        operation: state.operation,
        outcome,
        status: response.status,
        ms: Math.round(seconds * 1000),
        role: state.principal.role,
        keyId: state.principal.keyId,
      });
    },
  };
  return { rejected: (reason) => rejections.inc({ reason }), authenticationFailed: () => authFailures.inc(), plugin };
}
