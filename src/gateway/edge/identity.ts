import { randomUUID } from 'node:crypto';
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { ErrorCode } from '../../platform/errors';
import { clientAddress, logNetwork, rateLimitNetwork } from '../../platform/http/address';
import { errorResponse } from '../../platform/http/respond';
import { ANONYMOUS, type Principal } from '../../platform/identity/principal';
import type { Logger } from '../../platform/logger';
import { claimedKeyId, type KeyStore } from '../api-keys';
import type { RateLimits } from '../config';
import type { RateLimitStore } from '../rate-limit';
import type { EdgeMetrics } from './metrics';
import { correlationIdOf, type EdgeServerContext, type EdgeState } from './state';

export interface IdentityOptions {
  keys: KeyStore;
  limits: RateLimits;
  store: RateLimitStore;
  metrics: EdgeMetrics;
  log: Logger;
}

const MINUTE = 60_000;

/** The API key a request presents: `Authorization: Bearer <key>`, else `x-api-key`. */
export function presentedKey(headers: Headers): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(headers.get('authorization') ?? '')?.[1] ?? headers.get('x-api-key') ?? undefined;
}

function tooMany(message: string, retryAfterMs: number): Response {
  return errorResponse(ErrorCode.RATE_LIMITED, message, { headers: { 'retry-after': String(Math.max(1, Math.ceil(retryAfterMs / 1000))) } });
}

/**
 * Ours rather than the engine's rate-limit plugin, which counts field
 * resolutions against GraphQL errors: a request's budget must be spent before
 * parsing (so floods cost nothing), answered with HTTP 429 and Retry-After, and
 * charged to a key only once the key verifies.
 *
 * Who is calling, and whether they may: a request id for every request, the
 * API key verified before anything is charged to it, failed authentications
 * limited per network (a wrong key costs no database read once a network is
 * over its budget), then the caller's own budget: the verified key's, or the
 * network's for anonymous callers.
 */
export function identityPlugin(options: IdentityOptions): GatewayPlugin {
  const { limits, store, metrics, log } = options;

  const authenticate = async (presented: string, state: EdgeState): Promise<Principal | Response> => {
    const network = rateLimitNetwork(state.address);
    const failures = `auth-failures:${network}`;
    const lockout = await store.peek(failures, limits.failedAuthPerMinute, MINUTE, Date.now());
    if (!lockout.allowed) {
      metrics.rejected('failed_auth');
      return tooMany(`Too many failed authentications from this network; ${limits.failedAuthPerMinute} per minute.`, lockout.retryAfterMs);
    }
    const principal = await options.keys.authenticate(presented);
    if (principal) return principal;
    await store.take(failures, limits.failedAuthPerMinute, MINUTE, Date.now());
    metrics.authenticationFailed();
    log.warn('authentication failed', { requestId: state.requestId, network: logNetwork(state.address), claimedKeyId: claimedKeyId(presented) });
    return errorResponse(ErrorCode.UNAUTHENTICATED, 'The API key is not valid: unknown, malformed or revoked.');
  };

  const charge = async (state: EdgeState): Promise<Response | undefined> => {
    const keyed = state.principal.keyId !== null;
    const limit = keyed ? limits.keyPerMinute : limits.anonymousPerMinute;
    const bucket = keyed ? `key:${state.principal.keyId}` : `ip:${rateLimitNetwork(state.address)}`;
    const decision = await store.take(bucket, limit, MINUTE, Date.now());
    if (decision.allowed) return undefined;
    metrics.rejected(keyed ? 'key' : 'anonymous');
    return tooMany(`Too many requests: ${limit} per minute ${keyed ? 'for this API key' : 'for anonymous callers from this network'}.`, decision.retryAfterMs);
  };

  return {
    async onRequest({ request, serverContext, endResponse }) {
      const context = serverContext as EdgeServerContext;
      const state: EdgeState = {
        requestId: context.requestId ?? randomUUID(),
        correlationId: correlationIdOf(request.headers.get('x-request-id')),
        principal: ANONYMOUS,
        address: clientAddress(context.req?.socket.remoteAddress, request.headers.get('x-forwarded-for') ?? undefined, limits.trustProxyHops),
        startedAt: performance.now(),
        operation: 'other',
        executed: false,
        failed: false,
        subgraphCacheControl: [],
        exportPageSize: context.exportPageSize ?? null,
      };
      context.edge = state;
      const presented = presentedKey(request.headers);
      if (presented) {
        const outcome = await authenticate(presented, state);
        if (outcome instanceof Response) return endResponse(outcome);
        state.principal = outcome;
      }
      const refusal = await charge(state);
      if (refusal) endResponse(refusal);
    },
    onResponse({ response, serverContext }) {
      const state = (serverContext as EdgeServerContext).edge;
      if (state) response.headers.set('x-request-id', state.requestId);
      response.headers.set('x-content-type-options', 'nosniff');
    },
  };
}
