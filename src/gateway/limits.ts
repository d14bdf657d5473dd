import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { GraphQLError } from 'graphql';
import type { GatewayConfig } from '../config';

/**
 * Operation limits, on from the first start (graphql-armor): depth, aliases,
 * cost, tokens and directives are checked while parsing and validating, before
 * anything executes; batched HTTP requests are refused by Apollo.
 */
export function operationLimits(limits: GatewayConfig['limits']) {
  // Rejections thrown while parsing (the token limit) would otherwise reach the client as HTTP 500.
  const asClientError = { onReject: [(_context: unknown, error: GraphQLError) => markAsClientError(error)] };
  return new ApolloArmor({
    maxDepth: { n: limits.maxDepth, ...asClientError },
    maxAliases: { n: limits.maxAliases, ...asClientError },
    costLimit: { maxCost: limits.maxCost, ...asClientError },
    // The token limit is graphql-js's own parse option (see `parseOptions` in server.ts): graphql-armor's
    // version rethrows from an Apollo hook, which Apollo answers with HTTP 500.
    maxTokens: { enabled: false },
    maxDirectives: { n: limits.maxDirectives, ...asClientError },
    // Suggestions ("Did you mean ...?") help people exploring the API; production hides the schema anyway.
    blockFieldSuggestion: { enabled: false },
  }).protect();
}

/** The messages graphql-armor rejects with, mapped to our own code so clients can tell them apart. */
// graphql-js 16 spells its token message "more that".
export const OPERATION_LIMIT_MESSAGE = /^Syntax Error: ((Query depth limit|Aliases limit|Query Cost limit|Directives limit) of \d+ exceeded|Document contains more tha[nt] \d+ tokens)/;

/** Marks an armor rejection with our code and HTTP 400; Apollo honours `extensions.http.status`. */
function markAsClientError(error: GraphQLError): void {
  const extensions = error.extensions as Record<string, unknown>;
  extensions.code = 'OPERATION_LIMIT_EXCEEDED';
  extensions.http = { status: 400 };
}
