import { GraphQLError } from 'graphql';
import { CodedError, ErrorCode, isErrorCode, requestErrorHttp } from '../../platform/errors';
import type { Logger } from '../../platform/logger';

/** Codes the engine gives an error when a subgraph could not be reached or did not answer in time. */
const UNREACHABLE_CODES = new Set(['SUBREQUEST_HTTP_ERROR', 'DOWNSTREAM_SERVICE_ERROR', 'TIMEOUT_ERROR', 'GATEWAY_TIMEOUT', 'UPSTREAM_TIMEOUT']);

function subgraphOf(error: GraphQLError): string | undefined {
  const name = error.extensions.serviceName ?? error.extensions.subgraph;
  return typeof name === 'string' ? name : undefined;
}

/**
 * Gives an error one of our codes in place. The same object goes back to the
 * engine, which then does not log it: the subgraph request an engine error
 * carries holds the variables, and those may be citizen IDs.
 */
function recode(error: GraphQLError, code: ErrorCode, message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  const target = error as { message: string; extensions: Record<string, unknown> };
  target.message = message;
  for (const key of Object.keys(target.extensions)) delete target.extensions[key];
  Object.assign(target.extensions, { code, ...extensions });
  return error;
}

/**
 * What a client sees of an error. Our codes (from the edge or a subgraph) pass
 * as they are, minus anything the engine attached; variables that do not
 * coerce are BAD_USER_INPUT; a subgraph that could not be reached becomes
 * SUBGRAPH_UNAVAILABLE naming it; anything else is INTERNAL_SERVER_ERROR with
 * a generic message (the engine logs it through src/gateway/engine-log.ts,
 * which keeps only its code).
 */
export function maskGatewayError(error: unknown, log: Logger): Error {
  if (!(error instanceof GraphQLError)) return new CodedError(ErrorCode.INTERNAL_SERVER_ERROR, 'Internal server error');
  const code = error.extensions.code;
  if (isErrorCode(code) && code !== ErrorCode.INTERNAL_SERVER_ERROR) {
    const { request: _request, response: _response, ...kept } = error.extensions;
    return recode(error, code, error.message, kept);
  }
  // graphql-js's own request errors (variables that do not coerce) carry no code: they are the caller's mistake.
  if (code === undefined && /^Variable "\$/.test(error.message))
    return recode(error, ErrorCode.BAD_USER_INPUT, error.message, { http: requestErrorHttp(ErrorCode.BAD_USER_INPUT) });
  const subgraph = subgraphOf(error);
  if (subgraph && typeof code === 'string' && UNREACHABLE_CODES.has(code)) {
    log.warn('subgraph unavailable', { subgraph, reason: code });
    return recode(error, ErrorCode.SUBGRAPH_UNAVAILABLE, `The ${subgraph} subgraph is unavailable; its fields are null. Try again shortly.`, { subgraph });
  }
  return new CodedError(ErrorCode.INTERNAL_SERVER_ERROR, 'Internal server error');
}
