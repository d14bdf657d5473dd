import { GraphQLError } from 'graphql';
import { CodedError, ErrorCode, isErrorCode } from '../../platform/errors';
import type { Logger } from '../../platform/logger';

/** Codes the engine gives an error when a subgraph could not be reached or did not answer in time. */
const UNREACHABLE_CODES = new Set(['SUBREQUEST_HTTP_ERROR', 'DOWNSTREAM_SERVICE_ERROR', 'TIMEOUT_ERROR', 'GATEWAY_TIMEOUT', 'UPSTREAM_TIMEOUT']);

function subgraphOf(error: GraphQLError): string | undefined {
  const name = error.extensions.serviceName ?? error.extensions.subgraph;
  return typeof name === 'string' ? name : undefined;
}

/**
 * What a client sees of an error. Our codes (from the edge or a subgraph) pass
 * as they are; a subgraph that could not be reached becomes
 * SUBGRAPH_UNAVAILABLE naming it; anything else is INTERNAL_SERVER_ERROR with
 * a generic message, logged without the subgraph request (its variables may
 * hold citizen IDs).
 */
export function maskGatewayError(error: unknown, log: Logger): Error {
  const graphqlError = error instanceof GraphQLError ? error : undefined;
  const code = graphqlError?.extensions.code;
  if (graphqlError && isErrorCode(code) && code !== ErrorCode.INTERNAL_SERVER_ERROR) {
    const { request: _request, response: _response, ...extensions } = graphqlError.extensions;
    return new GraphQLError(graphqlError.message, { nodes: graphqlError.nodes, path: graphqlError.path, extensions });
  }
  const subgraph = graphqlError && subgraphOf(graphqlError);
  if (graphqlError && subgraph && typeof code === 'string' && UNREACHABLE_CODES.has(code)) {
    log.warn('subgraph unavailable', { subgraph, reason: code });
    return new CodedError(ErrorCode.SUBGRAPH_UNAVAILABLE, `The ${subgraph} subgraph is unavailable; its fields are null. Try again shortly.`, { subgraph });
  }
  log.error('unexpected error', { error: graphqlError ? `${String(code ?? 'no code')}: ${graphqlError.message}` : String(error), subgraph });
  return new CodedError(ErrorCode.INTERNAL_SERVER_ERROR, 'Internal server error');
}
