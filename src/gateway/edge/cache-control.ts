import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import type { EdgeServerContext } from './state';

/**
 * The response's cache-control from its subgraphs' own (each computes it from
 * its schema's hints: the catalogue's public max-age, the population's
 * no-store): the shortest max-age; `no-store` when any subgraph said so or
 * said nothing (another agency's subgraph gets the benefit of no doubt), when
 * no subgraph was asked, or when the response carries errors; `private` when
 * any said so or the caller used an API key.
 */
export function mergeCacheControl(headers: ReadonlyArray<string | null>, keyed: boolean, failed: boolean): string {
  if (failed || headers.length === 0) return 'no-store';
  const maxAges = headers.map((header) => (header && !/no-store/i.test(header) ? Number(/max-age=(\d+)/i.exec(header)?.[1] ?? NaN) : NaN));
  const maxAge = Math.min(...maxAges);
  if (!Number.isFinite(maxAge) || maxAge <= 0) return 'no-store';
  const scope = keyed || headers.some((header) => header && /private/i.test(header)) ? 'private' : 'public';
  return `max-age=${maxAge}, ${scope}`;
}

export function cacheControlPlugin(): GatewayPlugin {
  return {
    onResponse({ serverContext, response }) {
      const state = (serverContext as EdgeServerContext).edge;
      if (!state || !state.executed) {
        response.headers.set('cache-control', 'no-store');
        return;
      }
      response.headers.set('cache-control', mergeCacheControl(state.subgraphCacheControl, state.principal.keyId !== null, state.failed));
    },
  };
}
