import { GraphQLError } from 'graphql';
import { CodedError, ErrorCode, isErrorCode, requestErrorHttp } from '../../platform/errors';
import type { Logger } from '../../platform/logger';

/** Codes the engine gives an error when a subgraph could not be reached or did not answer in time. */
const UNREACHABLE_CODES = new Set(['SUBREQUEST_HTTP_ERROR', 'DOWNSTREAM_SERVICE_ERROR', 'TIMEOUT_ERROR', 'GATEWAY_TIMEOUT', 'UPSTREAM_TIMEOUT']);

/**
 * Errors of subgraph calls that the caller's request abandoned (edge/subgraph-timeout marks them).
 * The error alone cannot say so: the engine codes an aborted fetch SUBREQUEST_HTTP_ERROR like a
 * refused one, and the abort's reason may be a plain DOMException or the socket's own error.
 */
const abandoned = new WeakSet<object>();

export function markAbandoned(error: unknown): void {
  if (typeof error === 'object' && error !== null) abandoned.add(error);
}

/** The engine passes the call's error on as it is or wrapped (originalError), so the chain is searched. */
export function isAbandoned(error: unknown): boolean {
  let link = error;
  for (let depth = 0; typeof link === 'object' && link !== null && depth < 10; depth++) {
    if (abandoned.has(link)) return true;
    link = (link as { originalError?: unknown }).originalError;
  }
  return false;
}

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

/** The error as the subgraph gave it, without the request and response the engine attached. */
function withoutEngineDetails(error: GraphQLError): GraphQLError {
  const extensions = error.extensions as Record<string, unknown>;
  delete extensions.request;
  delete extensions.response;
  return error;
}

/**
 * What a client sees of an error. Our codes (from the edge or a subgraph) pass
 * as they are, minus anything the engine attached; variables that do not
 * coerce are BAD_USER_INPUT; a subgraph that could not be reached becomes
 * SUBGRAPH_UNAVAILABLE naming it (logged as a warning, unless the caller's
 * request abandoned the call: then at debug); anything else is INTERNAL_SERVER_ERROR with
 * a generic message (the engine logs it through src/gateway/engine-log.ts,
 * which keeps only its code).
 */
export function maskGatewayError(error: unknown, log: Logger): Error {
  if (!(error instanceof GraphQLError)) return new CodedError(ErrorCode.INTERNAL_SERVER_ERROR, 'Internal server error');
  const code = error.extensions.code;
  if (isErrorCode(code) && code !== ErrorCode.INTERNAL_SERVER_ERROR) return withoutEngineDetails(error);
  // graphql-js's own request errors (variables that do not coerce) carry no code: they are the caller's mistake.
  if (code === undefined && /^Variable "\$/.test(error.message))
    return recode(error, ErrorCode.BAD_USER_INPUT, error.message, { http: requestErrorHttp(ErrorCode.BAD_USER_INPUT) });
  // Several operations and no (or an unknown) operationName: the request is malformed, not the server.
  if (code === 'OPERATION_RESOLUTION_FAILURE') return recode(error, ErrorCode.BAD_REQUEST, error.message, { http: requestErrorHttp(ErrorCode.BAD_REQUEST) });
  const subgraph = subgraphOf(error);
  const abandonedCall = subgraph !== undefined && isAbandoned(error);
  if (subgraph && (abandonedCall || (typeof code === 'string' && UNREACHABLE_CODES.has(code)))) {
    // The caller went away (or its request's deadline passed): no fault of the subgraph, so not the warning operators alert on.
    if (abandonedCall) log.debug('subgraph call abandoned: the caller went away', { subgraph });
    else log.warn('subgraph unavailable', { subgraph, reason: code });
    return recode(error, ErrorCode.SUBGRAPH_UNAVAILABLE, `The ${subgraph} subgraph is unavailable; its fields are null. Try again shortly.`, { subgraph });
  }
  // Another agency's subgraph answered with an error of its own: its message is meant for clients (it masks its internals itself).
  if (subgraph) return withoutEngineDetails(error);
  return new CodedError(ErrorCode.INTERNAL_SERVER_ERROR, 'Internal server error');
}
