import { createHash } from 'node:crypto';
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { BREAK, getOperationAST, print, TypeInfo, visit, visitWithTypeInfo, type DocumentNode, type ExecutionResult, type GraphQLSchema } from 'graphql';
import type { Registry } from 'prom-client';
import { counter } from '../../platform/metrics';
import type { CacheLookup, ResponseStore } from '../shared/response-store';
import { mergeCacheControl } from './cache-control';
import { edgeOf, type EdgeServerContext, type EdgeState } from './state';

export interface ResponseCacheOptions {
  store: ResponseStore;
  /** False while Redis is down: the cache is bypassed without trying. */
  available: () => boolean;
  /** A lookup or store failed (counted; a timeout restarts the connection). */
  failed: (error: unknown) => void;
  /** PERSONAL_SUBGRAPHS: a response that touched one is never stored. */
  personalSubgraphs: readonly string[];
  /** "Type.field" of every field only personal subgraphs resolve, in the supergraph now served. */
  personalFields: () => ReadonlySet<string>;
  /** Changes with the supergraph: a reload never serves a response planned over the previous one. */
  supergraphId: () => string;
  registry: Registry;
}

/** What the cache did for one request. */
interface RequestCache {
  hit: boolean;
  /** The subgraphs this request called. */
  subgraphs: Set<string>;
}

/** Per document (the engine reuses parsed documents): its hash and whether it selects a personal field. */
interface DocumentFacts {
  hash: string;
  personal: { fields: ReadonlySet<string>; selects: boolean };
}

function selectsPersonalField(schema: GraphQLSchema, document: DocumentNode, personal: ReadonlySet<string>): boolean {
  if (personal.size === 0) return false;
  const typeInfo = new TypeInfo(schema);
  let found = false;
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const parent = typeInfo.getParentType();
        if (parent && personal.has(`${parent.name}.${node.name.value}`)) {
          found = true;
          return BREAK;
        }
        return undefined;
      },
    }),
  );
  return found;
}

/** JSON with object keys sorted, so `{a, b}` and `{b, a}` are one key. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function hasErrors(result: unknown): boolean {
  return ((result as ExecutionResult | undefined)?.errors?.length ?? 0) > 0;
}

/** The max-age (s) and scope a stored response may have, from its subgraphs' cache-control; undefined when it may not be stored. */
function storableFor(state: EdgeState): { maxAge: number; private: boolean } | undefined {
  const merged = mergeCacheControl(state.subgraphCacheControl, false, false);
  const maxAge = Number(/max-age=(\d+)/.exec(merged)?.[1] ?? 0);
  return maxAge > 0 ? { maxAge, private: /private/.test(merged) } : undefined;
}

/** Facts of each document, remembered per DocumentNode (the engine reuses parsed documents) and per personal-field set (a reload). */
function documentFacts(personalFields: () => ReadonlySet<string>): (schema: GraphQLSchema, document: DocumentNode) => DocumentFacts {
  const documents = new WeakMap<DocumentNode, DocumentFacts>();
  return (schema, document) => {
    const fields = personalFields();
    let facts = documents.get(document);
    if (!facts)
      documents.set(
        document,
        (facts = { hash: createHash('sha256').update(print(document)).digest('hex'), personal: { fields, selects: selectsPersonalField(schema, document, fields) } }),
      );
    if (facts.personal.fields !== fields) facts.personal = { fields, selects: selectsPersonalField(schema, document, fields) };
    return facts;
  };
}

/**
 * The response cache of the public catalogue, in Redis: whole responses of
 * queries that select no personal field, keyed by the operation, its
 * variables, the caller's role, the supergraph and the catalogue version
 * (bumped by every catalogue write), kept for the max-age the subgraphs'
 * cache-control gives. A response is stored only when it has no errors,
 * touched no personal subgraph and its max-age is over 0 — so never citizen
 * data, audit entries, `health` (max-age 0) or anything `no-store`. A hit
 * answers with the remaining max-age; every executed response says
 * `x-cache: hit` or `miss`.
 *
 * Ours rather than the engine's `responseCaching` (@envelop/response-cache):
 * that one caches by default whatever has no TTL (the population's
 * `no-store` included) unless every personal type is listed, adds an entity
 * index of two Redis keys per object in the result, cannot answer with the
 * remaining max-age, and has no fallback when its store fails.
 */
export function responseCachePlugin(options: ResponseCacheOptions): GatewayPlugin {
  const { store } = options;
  const personalSubgraphs = new Set(options.personalSubgraphs.map((name) => name.toLowerCase()));
  const lookups = counter(options.registry, 'gateway_response_cache_lookups_total', 'Response cache lookups, by result (hit, miss).', ['result']);
  const bypassed = counter(
    options.registry,
    'gateway_response_cache_bypassed_total',
    'Executed operations the response cache did not look up, by reason (personal, not_query, unavailable).',
    ['reason'],
  );
  const stored = counter(options.registry, 'gateway_response_cache_stores_total', 'Responses stored in the response cache.', []);
  const requests = new WeakMap<EdgeState, RequestCache>();
  const factsOf = documentFacts(options.personalFields);
  const tracked = (state: EdgeState): RequestCache => {
    let entry = requests.get(state);
    if (!entry) requests.set(state, (entry = { hit: false, subgraphs: new Set() }));
    return entry;
  };
  const keyOf = (state: EdgeState, facts: DocumentFacts, operationName: string | null | undefined, variables: unknown): string =>
    createHash('sha256')
      .update(canonicalJson([state.principal.role, options.supergraphId(), operationName ?? null, facts.hash, variables ?? {}]))
      .digest('hex');

  const save = async (state: EdgeState, key: string, version: string, result: ExecutionResult): Promise<void> => {
    const { subgraphs } = tracked(state);
    if (hasErrors(result) || subgraphs.size === 0 || [...subgraphs].some((name) => personalSubgraphs.has(name.toLowerCase()))) return;
    const storable = storableFor(state);
    if (!storable) return;
    try {
      await store.save(key, version, { data: result.data, expiresAt: Date.now() + storable.maxAge * 1000, private: storable.private });
      stored.inc();
    } catch (error) {
      options.failed(error);
    }
  };

  return {
    onSubgraphExecute({ subgraphName, executionRequest }) {
      const state = edgeOf(executionRequest.context);
      if (state) tracked(state).subgraphs.add(subgraphName);
    },
    async onExecute({ args, setResultAndStopExecution }) {
      const state = edgeOf(args.contextValue);
      // CSV export pages run with a page size of their own, and its check requests execute nothing: never from or into the cache.
      if (!state || state.exportPageSize !== null || (args.contextValue as EdgeServerContext).exportCheckOnly) return undefined;
      if (getOperationAST(args.document, args.operationName)?.operation !== 'query') return void bypassed.inc({ reason: 'not_query' });
      const facts = factsOf(args.schema, args.document);
      if (facts.personal.selects) return void bypassed.inc({ reason: 'personal' });
      if (!options.available()) return void bypassed.inc({ reason: 'unavailable' });
      const key = keyOf(state, facts, args.operationName, args.variableValues);
      let found: CacheLookup;
      try {
        found = await store.lookup(key);
      } catch (error) {
        options.failed(error);
        return void bypassed.inc({ reason: 'unavailable' });
      }
      const remaining = Math.floor(((found.entry?.expiresAt ?? 0) - Date.now()) / 1000);
      if (found.entry && remaining >= 1) {
        lookups.inc({ result: 'hit' });
        tracked(state).hit = true;
        state.subgraphCacheControl.push(`max-age=${remaining}, ${found.entry.private ? 'private' : 'public'}`);
        setResultAndStopExecution({ data: found.entry.data as ExecutionResult['data'] });
        return undefined;
      }
      lookups.inc({ result: 'miss' });
      const { version } = found;
      return {
        onExecuteDone: ({ result }) => (Symbol.asyncIterator in result ? undefined : save(state, key, version, result)),
      };
    },
    onResponse({ serverContext, response }) {
      const state = (serverContext as EdgeServerContext).edge;
      if (state?.executed) response.headers.set('x-cache', state && requests.get(state)?.hit ? 'hit' : 'miss');
    },
  };
}
