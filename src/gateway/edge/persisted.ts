import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { useAPQ, type APQStore } from '@graphql-yoga/plugin-apq';
import { CodedError, ErrorCode, ERROR_CODES } from '../../platform/errors';

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Reads a trusted-documents manifest: a JSON object of SHA-256 hash → operation
 * text (the format persisted-query tooling writes), or an array of operation
 * texts. Hashes are checked against the texts, so a wrong manifest fails at start.
 */
export function readTrustedDocuments(path: string): Map<string, string> {
  const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
  const entries: Array<[string, string]> = Array.isArray(parsed)
    ? parsed.map((text): [string, string] => [sha256(String(text)), String(text)])
    : Object.entries(parsed as Record<string, unknown>).map(([hash, text]): [string, string] => [hash, String(text)]);
  for (const [hash, text] of entries) {
    if (sha256(text) !== hash) throw new Error(`${path}: the hash ${hash} does not match its operation`);
  }
  return new Map(entries);
}

/** The operation text a request stands for under trusted documents, or undefined when it is not on the list. */
export function trustedText(documents: ReadonlyMap<string, string>, query: string | undefined, extensions: Record<string, unknown> | undefined): string | undefined {
  const hash = (extensions?.persistedQuery as { sha256Hash?: unknown } | undefined)?.sha256Hash;
  const text = query ?? (typeof hash === 'string' ? documents.get(hash) : undefined);
  return text !== undefined && documents.has(sha256(text)) ? text : undefined;
}

export const NOT_ALLOWED_MESSAGE = 'Only trusted (allow-listed) operations run on this gateway.';

/**
 * Trusted-documents mode (production): only operations in the allow-list run,
 * sent in full or by hash (`extensions.persistedQuery.sha256Hash`); anything
 * else is refused with PERSISTED_QUERY_NOT_ALLOWED before parsing. Ours rather
 * than the engine's persisted-documents option, which refuses the full text
 * of an allowed operation; accepting it keeps clients and the IDE simple.
 */
export function trustedDocumentsPlugin(documents: ReadonlyMap<string, string>): GatewayPlugin {
  return {
    onParams({ params, setParams }) {
      const text = trustedText(documents, params.query, params.extensions);
      if (text === undefined)
        throw new CodedError(ErrorCode.PERSISTED_QUERY_NOT_ALLOWED, NOT_ALLOWED_MESSAGE, { http: { status: ERROR_CODES.PERSISTED_QUERY_NOT_ALLOWED.status } });
      const { persistedQuery: _hash, ...extensions } = params.extensions ?? {};
      setParams({ ...params, query: text, extensions });
    },
  };
}

/**
 * The request's parameters have the types GraphQL over HTTP gives them; a
 * non-string `operationName` is refused with 400 rather than ignored.
 */
export function requestShapePlugin(): GatewayPlugin {
  return {
    onParams({ params }) {
      const { operationName } = params as { operationName?: unknown };
      if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') {
        throw new CodedError(ErrorCode.BAD_REQUEST, '`operationName` must be a string.', { http: { status: ERROR_CODES.BAD_REQUEST.status } });
      }
    },
  };
}

/** Automatic persisted queries (Apollo's protocol) through GraphQL Yoga's plugin, over `store` (in memory by default). */
export function automaticPersistedQueries(store?: APQStore): GatewayPlugin {
  return useAPQ(store ? { store } : {}) as GatewayPlugin;
}
