import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';

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

/**
 * Trusted-documents mode (production): only operations in the allow-list run.
 * A client may send the full text of an allowed operation, or only its hash
 * (`extensions.persistedQuery.sha256Hash`); anything else is refused with
 * PERSISTED_QUERY_NOT_ALLOWED before parsing.
 */
export function trustedDocumentsPlugin(documents: Map<string, string>): ApolloServerPlugin {
  return {
    async requestDidStart({ request }) {
      const hash = (request.extensions?.persistedQuery as { sha256Hash?: unknown } | undefined)?.sha256Hash;
      const text = request.query ?? (typeof hash === 'string' ? documents.get(hash) : undefined);
      // The hash has done its job; with APQ off, Apollo would otherwise refuse the extension.
      if (request.extensions) delete request.extensions.persistedQuery;
      if (text && documents.has(sha256(text))) {
        request.query = text;
        return;
      }
      // Refused in didResolveOperation, where Apollo answers a thrown GraphQLError with its own
      // HTTP status; thrown here it would be a 500. The placeholder only lets parsing pass.
      request.query = '{ __typename }';
      return {
        async didResolveOperation() {
          throw new GraphQLError('Only trusted (allow-listed) operations run on this gateway.', { extensions: { code: 'PERSISTED_QUERY_NOT_ALLOWED', http: { status: 400 } } });
        },
      };
    },
  };
}
