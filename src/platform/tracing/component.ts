import { createContextKey, type Context } from '@opentelemetry/api';

/**
 * Which of our components a span belongs to (`gateway`, `catalogue`,
 * `population`): under `npm start` they share one process and one tracer
 * provider, yet each is a service of its own in a trace. A subgraph puts its
 * name in the context of every request it serves (src/platform/tracing/subgraph.ts);
 * the spans started within it — MongoDB commands, upstream calls — inherit it.
 */
const COMPONENT = createContextKey('dvc.component');

export function withComponent(context: Context, component: string): Context {
  return context.setValue(COMPONENT, component);
}

export function componentOf(context: Context): string | undefined {
  const value = context.getValue(COMPONENT);
  return typeof value === 'string' ? value : undefined;
}

/** The span attribute that names the component; the exporter turns it into the span's service. */
export const COMPONENT_ATTRIBUTE = 'dvc.component';
