/**
 * Hive Gateway alone: the engine our gateway runs on (`@graphql-hive/gateway-runtime`,
 * MIT) with none of our edge, serving the same supergraph over the same running
 * subgraphs, in a process of its own:
 *
 *   node dist/bench/hive-gateway.js <supergraph file>
 *
 * It does only what reaching our subgraphs needs, as bench/apollo-gateway.ts
 * does for @apollo/gateway: each subgraph call is signed for the caller the API
 * key names (checked against the same key store, one database read per keyed
 * request), or for an anonymous caller. No limits, rate limits, metrics,
 * persisted queries, response cache, cache-control, request deadline or
 * subgraph timeout: the difference between this and our gateway is what our
 * edge costs, and the difference between this and the subgraph alone is what
 * the engine costs. Settings: SUBGRAPH_SECRET, MONGODB_URI, MONGODB_DB. Prints `{"url": …}`.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createGatewayRuntime, type GatewayPlugin } from '@graphql-hive/gateway-runtime';
import httpTransport from '@graphql-mesh/transport-http';
import { MongoClient } from 'mongodb';
import { mongoKeyStore, type KeyStore } from '../src/gateway/api-keys';
import { presentedKey } from '../src/gateway/edge/identity';
import { listen } from '../src/platform/http/listen';
import { ANONYMOUS, type Principal } from '../src/platform/identity/principal';
import { signRequest } from '../src/platform/identity/signing';
import { announce, requiredEnv, runTarget } from './child';

/** The caller, kept per request (the engine hands each hook the request's context). */
const callers = new WeakMap<object, Principal>();

/** Authenticates the caller once per request and signs every subgraph call for it. */
function signingForCaller(keys: KeyStore, secret: string): GatewayPlugin {
  return {
    async onContextBuilding({ context }) {
      const key = presentedKey(context.request.headers);
      callers.set(context, (key ? await keys.authenticate(key) : null) ?? ANONYMOUS);
    },
    onFetch({ context, options, setOptions }) {
      const principal = (context && callers.get(context)) ?? ANONYMOUS;
      const body = typeof options.body === 'string' ? options.body : '';
      const signature = signRequest(secret, { principal, requestId: randomUUID(), correlationId: null, exportPageSize: null }, body);
      setOptions({ ...options, headers: { ...(options.headers as Record<string, string>), ...signature } });
    },
  };
}

async function main(): Promise<void> {
  const supergraphFile = process.argv[2];
  if (!supergraphFile) throw new Error('usage: hive-gateway.js <supergraph file>');
  const secret = requiredEnv('SUBGRAPH_SECRET');
  const keys = mongoKeyStore(new MongoClient(requiredEnv('MONGODB_URI')).db(requiredEnv('MONGODB_DB')));
  const supergraph = await readFile(supergraphFile, 'utf8');
  const runtime = createGatewayRuntime({
    supergraph,
    transports: { http: httpTransport },
    // As ours: merged in-flight requests would share one caller's signed identity with another.
    transportEntries: { '*.http': { options: { deduplicateInflightRequests: false } } },
    plugins: () => [signingForCaller(keys, secret)],
    logging: false,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    graphiql: false,
  });
  const http = await listen(runtime, 0, '127.0.0.1');
  announce({ url: http.url });
}

if (require.main === module) runTarget(main);
