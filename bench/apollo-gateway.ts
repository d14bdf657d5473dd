/**
 * The reference gateway: @apollo/gateway (Elastic License 2.0, a bench-only
 * devDependency) serving the same supergraph as ours, over the same running
 * subgraphs, in a process of its own:
 *
 *   node dist/bench/apollo-gateway.js <supergraph file>
 *
 * Our subgraphs answer only signed requests, so every subgraph call is signed
 * with src/platform/identity/signing.ts, carrying the caller that the API key
 * names, as our gateway forwards it. The key is checked against the same key
 * store our gateway uses (one database read per keyed request, as ours does);
 * without a key the caller is anonymous. Nothing else of our edge (limits,
 * rate limits, metrics, persisted queries) runs here: this is the engine alone.
 * Settings: SUBGRAPH_SECRET, MONGODB_URI, MONGODB_DB. Prints `{"url": …}`.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { MongoClient } from 'mongodb';
import { mongoKeyStore, type KeyStore } from '../src/gateway/api-keys';
import { presentedKey } from '../src/gateway/edge/identity';
import { listen } from '../src/platform/http/listen';
import { ANONYMOUS, type Principal } from '../src/platform/identity/principal';
import { signRequest, type ForwardedIdentity } from '../src/platform/identity/signing';
import { announce, requiredEnv, runTarget } from './child';

interface CallerContext {
  principal: Principal;
  requestId: string;
}

type Fetcher = RemoteGraphQLDataSource['fetcher'];

/**
 * Hands the identity from `willSendRequest` (which sees the caller) to the
 * fetcher (which sees the exact body the signature must cover); removed before sending.
 */
const PENDING_IDENTITY_HEADER = 'x-bench-pending-identity';

/** Apollo's own data source and HTTP client, with our signature added to every request. */
class SigningDataSource extends RemoteGraphQLDataSource<CallerContext> {
  constructor(url: string, secret: string) {
    super({ url });
    const send: Fetcher = this.fetcher;
    this.fetcher = (target, init = {}) => {
      const { [PENDING_IDENTITY_HEADER]: pending, ...headers } = init.headers ?? {};
      const identity = pending ? (JSON.parse(pending) as ForwardedIdentity) : callerIdentity({ principal: ANONYMOUS, requestId: randomUUID() });
      return send(target, { ...init, headers: { ...headers, ...signRequest(secret, identity, String(init.body ?? '')) } });
    };
  }

  override willSendRequest(options: GraphQLDataSourceProcessOptions<CallerContext>): void {
    const caller = options.context as Partial<CallerContext>;
    const identity = callerIdentity({ principal: caller.principal ?? ANONYMOUS, requestId: caller.requestId ?? randomUUID() });
    options.request.http?.headers.set(PENDING_IDENTITY_HEADER, JSON.stringify(identity));
  }
}

function callerIdentity(caller: CallerContext): ForwardedIdentity {
  return { principal: caller.principal, requestId: caller.requestId, correlationId: null, exportPageSize: null };
}

async function callerOf(keys: KeyStore, headers: Record<string, string | string[] | undefined>): Promise<CallerContext> {
  const key = presentedKey(new Headers(Object.entries(headers).flatMap(([name, value]): Array<[string, string]> => (typeof value === 'string' ? [[name, value]] : []))));
  const principal = key ? await keys.authenticate(key) : null;
  return { principal: principal ?? ANONYMOUS, requestId: randomUUID() };
}

async function main(): Promise<void> {
  const supergraphFile = process.argv[2];
  if (!supergraphFile) throw new Error('usage: apollo-gateway.js <supergraph file>');
  const secret = requiredEnv('SUBGRAPH_SECRET');
  const keysClient = new MongoClient(requiredEnv('MONGODB_URI'));
  const keys = mongoKeyStore(keysClient.db(requiredEnv('MONGODB_DB')));
  const gateway = new ApolloGateway({ supergraphSdl: await readFile(supergraphFile, 'utf8'), buildService: ({ url }) => new SigningDataSource(requiredUrl(url), secret) });
  const apollo = new ApolloServer<CallerContext>({ gateway });
  await apollo.start();
  const app = express();
  app.use('/graphql', express.json({ limit: '1mb' }), expressMiddleware(apollo, { context: ({ req }) => callerOf(keys, req.headers) }));
  const http = await listen(app, 0, '127.0.0.1');
  announce({ url: http.url });
}

function requiredUrl(url: string | undefined): string {
  if (!url) throw new Error('a subgraph in the supergraph has no URL');
  return url;
}

if (require.main === module) runTarget(main);
