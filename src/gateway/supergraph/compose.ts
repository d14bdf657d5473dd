import { composeServices } from '@theguild/federation-composition';
import { parse, type GraphQLError } from 'graphql';
import { signRequest, type ForwardedIdentity } from '../../platform/identity/signing';
import { ANONYMOUS } from '../../platform/identity/principal';
import type { SubgraphEndpoint } from '../config';

/** A composition that failed: `subgraph` names the subgraph at fault where the error says which. */
export class CompositionError extends Error {
  constructor(
    readonly subgraph: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'CompositionError';
  }

  /** One line for the log and /readyz: the subgraph and the first error. */
  get line(): string {
    return `${this.subgraph ? `subgraph "${this.subgraph}": ` : ''}${this.message}`;
  }
}

export interface SubgraphSdl extends SubgraphEndpoint {
  sdl: string;
}

function describe(errors: readonly GraphQLError[], names: readonly string[]): CompositionError {
  const [first] = errors;
  const text = `${first?.extensions?.code ? `${String(first.extensions.code)}: ` : ''}${first?.message ?? 'composition failed'}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''}`;
  // The library names subgraphs in quotes; the last one named is the one that disagrees.
  const named = [...(first?.message.matchAll(/subgraphs? "([^"]+)"/g) ?? [])].map((match) => match[1]).filter((name): name is string => !!name && names.includes(name));
  return new CompositionError(named[named.length - 1], text);
}

/**
 * Composes Federation 2 subgraphs into a supergraph with
 * @theguild/federation-composition (MIT). Throws a CompositionError naming
 * the subgraph, on a subgraph whose SDL does not parse or a composition error.
 */
export function composeSupergraph(subgraphs: readonly SubgraphSdl[]): string {
  const services = subgraphs.map((subgraph) => {
    try {
      return { name: subgraph.name, url: subgraph.url, typeDefs: parse(subgraph.sdl) };
    } catch (error) {
      throw new CompositionError(subgraph.name, `its SDL does not parse: ${(error as Error).message}`);
    }
  });
  const result = composeServices(services);
  if (result.errors)
    throw describe(
      result.errors,
      subgraphs.map((s) => s.name),
    );
  return result.supergraphSdl;
}

/** The identity the gateway uses for its own calls (composition, health probes): no caller, public role. */
export function gatewayIdentity(purpose: string): ForwardedIdentity {
  return { principal: ANONYMOUS, requestId: `gateway-${purpose}`, correlationId: null, exportPageSize: null };
}

/** A subgraph's SDL (`{ _service { sdl } }`), asked with a signed request. */
export async function fetchSubgraphSdl(endpoint: SubgraphEndpoint, secret: string | undefined, timeoutMs: number): Promise<SubgraphSdl> {
  const body = JSON.stringify({ query: '{ _service { sdl } }' });
  const signature = secret ? signRequest(secret, gatewayIdentity('composition'), body) : {};
  const ask = () =>
    fetch(endpoint.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...signature },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
  let response: Response;
  try {
    // Once more on a network error: a kept-alive connection to a subgraph that was just redeployed fails once.
    response = await ask().catch(ask);
  } catch (error) {
    throw new CompositionError(endpoint.name, `unreachable at ${endpoint.url}: ${(error as Error).message}`);
  }
  const payload = (await response.json().catch(() => null)) as { data?: { _service?: { sdl?: unknown } }; errors?: Array<{ message: string }> } | null;
  const sdl = payload?.data?._service?.sdl;
  if (!response.ok || typeof sdl !== 'string') {
    throw new CompositionError(endpoint.name, `no SDL from ${endpoint.url} (HTTP ${response.status}${payload?.errors?.[0] ? `: ${payload.errors[0].message}` : ''})`);
  }
  return { ...endpoint, sdl };
}
