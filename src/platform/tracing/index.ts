import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { RequestHandler } from 'express';
import { ConfigError, type Env } from '../config';
import { readTracingConfig } from './config';

/**
 * OpenTelemetry tracing, on when OTEL_EXPORTER_OTLP_ENDPOINT (or
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set. This module loads nothing of
 * OpenTelemetry: with tracing off no SDK starts, no module is patched, and
 * the gateway and subgraphs add no plugin or middleware at all.
 */

let running: { shutdown(): Promise<void> } | undefined;

/**
 * Starts tracing for this process, whose spans outside any subgraph's request
 * belong to `component`. Call it first thing in an entry point, before the
 * modules the instrumentations patch (the MongoDB driver) are loaded. A
 * malformed setting stops the process with one line naming it (exit code 2).
 */
export function startTracing(env: Env, component: string): void {
  let config;
  try {
    config = readTracingConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  if (!config || running) return;
  // Loaded only now, so that with tracing off none of the SDK is even read from disk.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { startSdk } = require('./sdk') as typeof import('./sdk');
  running = startSdk(config, component);
}

export function tracingEnabled(): boolean {
  return running !== undefined;
}

/** Sends the spans still buffered and stops the SDK (at shutdown). */
export async function stopTracing(): Promise<void> {
  await running?.shutdown();
  running = undefined;
}

/** A subgraph's request span and operation details, or undefined with tracing off. */
export function subgraphTracing<TContext extends BaseContext>(subgraph: string): { middleware: RequestHandler; plugin: ApolloServerPlugin<TContext> } | undefined {
  if (!running) return undefined;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { subgraphRequestTracing } = require('./subgraph') as typeof import('./subgraph');
  return subgraphRequestTracing<TContext>(subgraph);
}
