import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import type { Tracer } from '@opentelemetry/api';
import { PROJECT_VERSION } from '../../platform/paths';
import { tracingEnabled } from '../../platform/tracing';

/**
 * A span for each delegation plan the engine makes: Hive Gateway plans a
 * query field by field as it executes, and a type whose fields live in
 * several subgraphs (a citizen's catalogue services, say) gets a plan of
 * stages, one subgraph fetch each. Plans without a stage (the field's
 * subgraph has everything) make no span. Names only: the type and the subgraphs.
 */
function planSpans(api: typeof import('@opentelemetry/api'), tracer: Tracer): GatewayPlugin {
  return {
    onDelegationPlan({ typeName, subgraph }) {
      const parent = api.context.active();
      const startTime = performance.timeOrigin + performance.now();
      return ({ delegationPlan }) => {
        if (delegationPlan.length === 0) return;
        const subgraphs = new Set<string>();
        for (const stage of delegationPlan) for (const subschema of stage.keys()) if (subschema.name) subgraphs.add(subschema.name);
        const attributes = {
          'gateway.plan.type': typeName,
          'gateway.plan.from_subgraph': subgraph,
          'gateway.plan.stages': delegationPlan.length,
          'gateway.plan.subgraphs': [...subgraphs],
        };
        tracer.startSpan(`gateway.plan ${typeName}`, { startTime, attributes }, parent).end();
      };
    },
  };
}

/**
 * With tracing on (src/platform/tracing), Hive Gateway's OpenTelemetry
 * plugin: a span for the request (continuing a caller's `traceparent`), the
 * operation, its parsing, validation and execution, each subgraph call and
 * its HTTP fetch, whose `traceparent` it sets; and the plan spans above.
 * With tracing off: no plugin, and the plugin's package is never loaded.
 * First in the plugin list, so its request span covers the whole edge.
 */
export function tracingPlugins(): GatewayPlugin[] {
  if (!tracingEnabled()) return [];
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded only with tracing on */
  const { useOpenTelemetry } = require('@graphql-hive/plugin-opentelemetry') as typeof import('@graphql-hive/plugin-opentelemetry');
  const api = require('@opentelemetry/api') as typeof import('@opentelemetry/api');
  /* eslint-enable @typescript-eslint/no-require-imports */
  return [
    useOpenTelemetry({
      inheritContext: true,
      propagateContext: true,
      useContextManager: true,
      // The operation's hash is for Hive's registry, which this gateway does not report to: not worth a normalisation per request.
      hashOperation: null,
      // The supergraph's text would go into a span at every reload: large, and no help in a trace.
      traces: { spans: { schema: false } },
    }) as GatewayPlugin,
    planSpans(api, api.trace.getTracer('dvc-gateway', PROJECT_VERSION)),
  ];
}
