import type { Context } from '@opentelemetry/api';
import { ExportResultCode, W3CTraceContextPropagator, type ExportResult } from '@opentelemetry/core';
import { OTLPTraceExporter as OtlpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { MongoDBInstrumentation } from '@opentelemetry/instrumentation-mongodb';
import { UndiciInstrumentation, type UndiciRequest } from '@opentelemetry/instrumentation-undici';
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  NodeTracerProvider,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type ReadableSpan,
  type Sampler,
  type Span,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-node';
import { hideValues } from '../db/command-shape';
import { PROJECT_VERSION } from '../paths';
import { COMPONENT_ATTRIBUTE, componentOf } from './component';
import type { TracingConfig } from './config';
import { scrubAttributes, scrubText, type Attributes } from './scrub';

/**
 * Names every span's component: the one in its context (a subgraph's request),
 * or the process's own. Kept beside the span too, since an attribute can be
 * dropped when a span has as many as its limit allows.
 */
export class ComponentProcessor implements SpanProcessor {
  readonly components = new WeakMap<object, string>();
  constructor(readonly processComponent: string) {}
  onStart(span: Span, parentContext: Context): void {
    const component = componentOf(parentContext) ?? this.processComponent;
    this.components.set(span, component);
    span.setAttribute(COMPONENT_ATTRIBUTE, component);
  }
  onEnd(): void {}
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * Scrubs every span (src/platform/tracing/scrub.ts) and gives it its
 * component's service (`dvc-gateway`, `dvc-catalogue`, `dvc-population`, or
 * OTEL_SERVICE_NAME for all) before the OTLP exporter sends it.
 */
export class ScrubbingExporter implements SpanExporter {
  private readonly resources = new Map<string, Resource>();
  constructor(
    private readonly exporter: SpanExporter,
    private readonly serviceName: string | undefined,
    private readonly components: ComponentProcessor,
  ) {}

  private resourceOf(component: string): Resource {
    let resource = this.resources.get(component);
    if (!resource) {
      resource = resourceFromAttributes({ 'service.name': this.serviceName ?? `dvc-${component}`, 'service.namespace': 'dvc-gateway', 'service.version': PROJECT_VERSION });
      this.resources.set(component, resource);
    }
    return resource;
  }

  /** A copy of the span, scrubbed. Explicit: duration, ended and the dropped counts are getters a spread would lose. */
  private scrub(span: ReadableSpan): ReadableSpan {
    const component = this.components.components.get(span) ?? this.components.processComponent;
    return {
      name: scrubText(span.name),
      kind: span.kind,
      spanContext: () => span.spanContext(),
      parentSpanContext: span.parentSpanContext,
      startTime: span.startTime,
      endTime: span.endTime,
      duration: span.duration,
      ended: span.ended,
      status: span.status.message === undefined ? span.status : { ...span.status, message: scrubText(span.status.message) },
      attributes: scrubAttributes(span.attributes as Attributes),
      events: span.events.map((event) => ({ ...event, name: scrubText(event.name), ...(event.attributes ? { attributes: scrubAttributes(event.attributes as Attributes) } : {}) })),
      links: span.links.map((link) => ({ ...link, ...(link.attributes ? { attributes: scrubAttributes(link.attributes as Attributes) } : {}) })),
      resource: this.resourceOf(component),
      instrumentationScope: span.instrumentationScope,
      droppedAttributesCount: span.droppedAttributesCount,
      droppedEventsCount: span.droppedEventsCount,
      droppedLinksCount: span.droppedLinksCount,
    };
  }

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    try {
      this.exporter.export(
        spans.map((span) => this.scrub(span)),
        done,
      );
    } catch (error) {
      done({ code: ExportResultCode.FAILED, error: error as Error });
    }
  }
  shutdown(): Promise<void> {
    return this.exporter.shutdown();
  }
  forceFlush(): Promise<void> {
    return this.exporter.forceFlush?.() ?? Promise.resolve();
  }
}

function samplerFor(config: TracingConfig): Sampler {
  const ratio = new TraceIdRatioBasedSampler(config.ratio);
  switch (config.sampler) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return ratio;
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: ratio });
    default:
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
}

/** An undici request's header, whichever form the undici version gives (`name: value\r\n…` or a flat array). */
function hasHeader(request: UndiciRequest, name: string): boolean {
  if (typeof request.headers === 'string') return request.headers.toLowerCase().includes(`${name}:`);
  return request.headers.some((item, index) => index % 2 === 0 && typeof item === 'string' && item.toLowerCase() === name);
}

/**
 * Starts the OpenTelemetry SDK: a tracer provider exporting over OTLP/HTTP,
 * W3C trace context only (no baggage, which would carry a caller's data to
 * every hop), and the instrumentations of the MongoDB driver and of
 * Node's fetch (undici). The gateway's own spans come from Hive Gateway's
 * plugin (src/gateway/edge/tracing.ts), the subgraphs' from
 * src/platform/tracing/subgraph.ts.
 */
export function startSdk(config: TracingConfig, processComponent: string): { shutdown(): Promise<void> } {
  const otlp =
    config.protocol === 'http/json' ? new OtlpJsonExporter({ url: config.url, headers: config.headers }) : new OtlpProtobufExporter({ url: config.url, headers: config.headers });
  const components = new ComponentProcessor(processComponent);
  const provider = new NodeTracerProvider({
    sampler: samplerFor(config),
    spanProcessors: [components, new BatchSpanProcessor(new ScrubbingExporter(otlp, config.serviceName, components))],
  });
  provider.register({ propagator: new W3CTraceContextPropagator() });
  const exporterOrigin = new URL(config.url).origin;
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      // Commands as shapes (field names and operators, never values); only inside a trace, not the driver's own chatter.
      new MongoDBInstrumentation({ requireParentSpan: true, dbStatementSerializer: (command) => JSON.stringify(hideValues(command)) }),
      // Node's fetch: the population connector's upstream calls. A request that already carries a traceparent was
      // traced by its caller (the gateway's subgraph fetches, by Hive's plugin); the exporter's own posts never are.
      new UndiciInstrumentation({ requireParentforSpans: true, ignoreRequestHook: (request) => request.origin === exporterOrigin || hasHeader(request, 'traceparent') }),
    ],
  });
  return { shutdown: () => provider.shutdown() };
}
