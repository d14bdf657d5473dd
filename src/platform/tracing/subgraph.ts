import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { RequestHandler } from 'express';
import { PROJECT_VERSION } from '../paths';
import { withComponent } from './component';

/**
 * One span per request a subgraph of ours executes: it continues the trace
 * of the gateway's `traceparent`, and everything the request does — each
 * MongoDB command, each upstream call — is its child. Apollo Server has no
 * tracing of its own; the plugin names the span after the operation.
 * Nothing of the request's body or variables is recorded.
 */
export function subgraphRequestTracing<TContext extends BaseContext>(subgraph: string): { middleware: RequestHandler; plugin: ApolloServerPlugin<TContext> } {
  const tracer = trace.getTracer(`dvc-${subgraph}`, PROJECT_VERSION);
  const middleware: RequestHandler = (req, res, next) => {
    const parent = withComponent(propagation.extract(context.active(), req.headers), subgraph);
    const span = tracer.startSpan(
      `${subgraph} ${req.method} /graphql`,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method, 'url.path': req.baseUrl || '/graphql', 'graphql.subgraph.name': subgraph } },
      parent,
    );
    const active = trace.setSpan(parent, span);
    let ended = false;
    const end = (): void => {
      if (ended) return;
      ended = true;
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    };
    res.once('finish', end);
    res.once('close', end);
    // The body parser reads the request in the socket's own callbacks: bind them to this request's context.
    context.bind(active, req);
    context.bind(active, res);
    context.with(active, next);
  };
  const plugin: ApolloServerPlugin<TContext> = {
    async requestDidStart() {
      const span = trace.getActiveSpan();
      return {
        async didResolveOperation({ operation, operationName }) {
          if (!operation) return;
          span?.setAttribute('graphql.operation.type', operation.operation);
          if (operationName) span?.setAttribute('graphql.operation.name', operationName);
          span?.updateName(`${subgraph} ${operation.operation}${operationName ? ` ${operationName}` : ''}`);
        },
        async willSendResponse({ errors, response }) {
          const reported = errors ?? (response.body.kind === 'single' ? response.body.singleResult.errors : undefined) ?? [];
          if (reported.length === 0) return;
          span?.setAttribute('graphql.error.count', reported.length);
          span?.setAttribute('graphql.error.codes', [...new Set(reported.map((error) => String(error.extensions?.code ?? 'UNKNOWN')))]);
        },
      };
    },
  };
  return { middleware, plugin };
}
