import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { signRequest, type ForwardedIdentity } from '../../platform/identity/signing';
import { gatewayIdentity } from '../supergraph/compose';
import { edgeOf } from './state';

/**
 * Signs every subgraph request with SUBGRAPH_SECRET: the caller's identity,
 * the request id and the body, with a timestamp (src/platform/identity/signing.ts).
 * Also keeps each subgraph response's cache-control header for the response's own.
 */
export function signingPlugin(secret: string): GatewayPlugin {
  return {
    onFetch({ context, options, setOptions }) {
      const state = edgeOf(context);
      const identity: ForwardedIdentity = state
        ? { principal: state.principal, requestId: state.requestId, correlationId: state.correlationId, exportPageSize: state.exportPageSize }
        : gatewayIdentity('engine');
      const headers = new Headers(options.headers as HeadersInit | undefined);
      for (const [name, value] of Object.entries(signRequest(secret, identity, typeof options.body === 'string' ? options.body : ''))) headers.set(name, value);
      setOptions({ ...options, headers: Object.fromEntries(headers) });
      return ({ response }) => {
        state?.subgraphCacheControl.push(response.headers.get('cache-control'));
      };
    },
  };
}
