/** Where one operation goes on one target: the request, and whose database commands it costs. */
import { randomUUID } from 'node:crypto';
import { ANONYMOUS } from '../src/platform/identity/principal';
import { signRequest } from '../src/platform/identity/signing';
import type { OfficerKey } from './catalogue';
import type { PreparedRequest } from './load';
import type { BenchOperation, BenchSamples } from './operations';
import type { TargetName } from './results';
import type { RunningTargets } from './targets';

export interface Endpoint {
  request: PreparedRequest;
  /** The target's database commands (bench/commands.ts): of the subgraphs behind it, or of the REST floor. */
  commandsUrl: string;
  /** The answer is the REST floor's plain JSON, not a GraphQL response. */
  rest: boolean;
}

export interface EndpointContext {
  targets: RunningTargets;
  samples: BenchSamples;
  officer: OfficerKey;
  /** SUBGRAPH_SECRET, to sign requests sent to a subgraph directly. */
  secret: string;
}

function graphqlRequest(url: string, op: BenchOperation, samples: BenchSamples, headers: Record<string, string>): PreparedRequest {
  return { url, method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query: op.query, variables: op.variables(samples) }) };
}

/** The REST route of an operation, with its scalar variables as the query string (array variables are not sent). */
export function restPath(op: BenchOperation, variables: Record<string, unknown>): string {
  const query = new URLSearchParams(
    Object.entries(variables)
      .filter(([, v]) => !Array.isArray(v))
      .map(([k, v]): [string, string] => [k, String(v)]),
  );
  const search = query.toString();
  return `/rest/${op.name}${search ? `?${search}` : ''}`;
}

/**
 * A request straight to the subgraph that owns the operation, signed as our
 * gateway signs it: the caller the API key stands for (or anonymous), a fresh
 * request id and signature for every send.
 */
function directRequest(op: BenchOperation, context: EndpointContext): PreparedRequest {
  const principal = op.officer ? context.officer.principal : ANONYMOUS;
  const url = context.targets.shipped[op.subgraph];
  const sign = (body: string): Record<string, string> => signRequest(context.secret, { principal, requestId: randomUUID(), correlationId: null, exportPageSize: null }, body);
  return { ...graphqlRequest(url, op, context.samples, {}), sign };
}

/** The endpoint of `op` on `target`, or why the target has none for it. */
export function endpointFor(target: TargetName, op: BenchOperation, context: EndpointContext): Endpoint | string {
  const { targets, samples } = context;
  const auth: Record<string, string> = op.officer ? { authorization: `Bearer ${context.officer.key}` } : {};
  switch (target) {
    case 'gateway':
      return { request: graphqlRequest(`${targets.gateway}/graphql`, op, samples, auth), commandsUrl: targets.shipped.commands, rest: false };
    case 'hive':
      return { request: graphqlRequest(`${targets.hive}/graphql`, op, samples, auth), commandsUrl: targets.shipped.commands, rest: false };
    case 'apollo':
      return { request: graphqlRequest(`${targets.apollo}/graphql`, op, samples, auth), commandsUrl: targets.shipped.commands, rest: false };
    case 'naive':
      return { request: graphqlRequest(`${targets.naiveGateway}/graphql`, op, samples, auth), commandsUrl: targets.naive.commands, rest: false };
    case 'subgraph':
      return { request: directRequest(op, context), commandsUrl: targets.shipped.commands, rest: false };
    case 'rest':
      if (op.citizenIds) return 'no REST floor for citizen lookups: the floor is the upstream (see the citizen batch timing)';
      return {
        request: { url: `${targets.rest.url}${restPath(op, op.variables(samples))}`, method: 'GET', headers: {}, body: undefined },
        commandsUrl: targets.rest.commands,
        rest: true,
      };
  }
}
