/**
 * Issue #14 item 4: how long 1,000 citizen lookups take through the gateway,
 * against the stub's own time for the same upstream batches, in the same run
 * and with the same stub settings. Everything here is sent one request (or one
 * set of batches) at a time, so each figure is a latency, not a queue.
 */
import { UPSTREAM_MAX_BATCH } from '../src/platform/population-api/purposes';
import { readPopulationConfig } from '../src/subgraphs/population/config';
import { fieldsToRequest } from '../src/subgraphs/population/connector/lookups';
import { endpointFor, type EndpointContext } from './endpoints';
import { timeRequestSets, underLoad, type PreparedRequest } from './load';
import type { BenchOperation } from './operations';
import type { CitizenBatchTiming, LatencySample } from './results';
import { STUB_CLIENT } from './targets';

/** The upstream fields the connector asks for when a query selects these Citizen fields (src/subgraphs/population/selection.ts). */
const SELECTED_UPSTREAM_FIELDS = ['fullName', 'dateOfBirth'] as const;

/** The batches the connector sends for `op`: its IDs in batches of UPSTREAM_MAX_BATCH, straight to the stub. */
function stubBatches(op: BenchOperation, context: EndpointContext, stubUrl: string): PreparedRequest[] {
  const ids = op.variables(context.samples).ids as string[];
  const fields = fieldsToRequest([...SELECTED_UPSTREAM_FIELDS], 'IDENTITY', context.officer.principal);
  const batches: PreparedRequest[] = [];
  for (let start = 0; start < ids.length; start += UPSTREAM_MAX_BATCH) {
    batches.push({
      url: new URL('/v1/extract/batch', stubUrl).href,
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-client-id': STUB_CLIENT.id, 'x-client-secret': STUB_CLIENT.secret },
      body: JSON.stringify({ purpose: 'IDENTITY', ids: ids.slice(start, start + UPSTREAM_MAX_BATCH), fields }),
    });
  }
  return batches;
}

async function oneAtATime(context: EndpointContext, op: BenchOperation, target: 'gateway' | 'subgraph', durationSeconds: number): Promise<LatencySample> {
  const endpoint = endpointFor(target, op, context);
  if (typeof endpoint === 'string') throw new Error(endpoint);
  const { requests, p50Ms, p99Ms, errors } = await underLoad(endpoint.request, { connections: 1, durationSeconds, timeoutSeconds: 60 });
  if (errors > 0) throw new Error(`${op.name} through ${target}: ${errors} errors`);
  return { requests, p50Ms, p99Ms };
}

export async function timeCitizenBatches(op: BenchOperation, context: EndpointContext, stubUrl: string, durationSeconds: number): Promise<CitizenBatchTiming> {
  const batches = stubBatches(op, context, stubUrl);
  const connectorConcurrency = readPopulationConfig(process.env).population.maxConcurrentBatches;
  return {
    ids: op.citizenIds ?? 0,
    batchSize: UPSTREAM_MAX_BATCH,
    batches: batches.length,
    connectorConcurrency,
    gateway: await oneAtATime(context, op, 'gateway', durationSeconds),
    subgraph: await oneAtATime(context, op, 'subgraph', durationSeconds),
    stubAllAtOnce: await timeRequestSets(batches, batches.length, durationSeconds),
    stubAtConnectorConcurrency: await timeRequestSets(batches, connectorConcurrency, durationSeconds),
  };
}
