import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { DatabaseUnavailableError, ErrorCode, isDatabaseOutage } from '../errors';

/**
 * Apollo `formatError` of our subgraphs: database outages become
 * DATABASE_UNAVAILABLE, and an error that is not one of ours loses its message
 * and stack (they go to the log, under the request id) as INTERNAL_SERVER_ERROR.
 */
export function formatSubgraphError(formatted: GraphQLFormattedError, error: unknown, onInternal: (description: string) => void): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  if (isDatabaseOutage(original)) {
    return { message: new DatabaseUnavailableError().message, locations: formatted.locations, path: formatted.path, extensions: { code: ErrorCode.DATABASE_UNAVAILABLE } };
  }
  const code = formatted.extensions?.code;
  if (code === ErrorCode.INTERNAL_SERVER_ERROR || (original instanceof Error && !(original instanceof GraphQLError) && code === undefined)) {
    onInternal(original instanceof Error ? `${original.name}: ${original.message}` : String(original));
    return { message: 'Internal server error', locations: formatted.locations, path: formatted.path, extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
  }
  if (formatted.extensions && 'stacktrace' in formatted.extensions) {
    const { stacktrace: _stacktrace, ...extensions } = formatted.extensions;
    return { ...formatted, extensions };
  }
  return formatted;
}
