import { GraphQLError } from 'graphql';
import type { GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { OPERATION_LIMIT_MESSAGE } from './http/limits';
import { MongoError, MongoNetworkError, MongoNotConnectedError, MongoOperationTimeoutError, MongoServerError, MongoServerSelectionError, MongoTopologyClosedError } from 'mongodb';

/**
 * Error codes (`extensions.code`) the gateway returns. Documented in the README;
 * clients may switch on them, so they only ever gain members.
 */
export const ErrorCode = {
  /** An argument is malformed (bad cursor, page size out of range, unknown enum text). */
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  /** The database did not answer in time; retry later. Nothing was changed. */
  DATABASE_UNAVAILABLE: 'DATABASE_UNAVAILABLE',
  /** The API key is unknown, malformed or revoked (HTTP 401). */
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  /** The caller's role does not allow this field, or the lookup purpose does not cover it. */
  FORBIDDEN: 'FORBIDDEN',
  /** The population database did not answer (timeout, error, circuit open); other fields still resolve. */
  UPSTREAM_UNAVAILABLE: 'UPSTREAM_UNAVAILABLE',
  /** The audit trail could not be written, so the personal data was not returned. */
  AUDIT_UNAVAILABLE: 'AUDIT_UNAVAILABLE',
  /** The operation is too deep, has too many aliases, tokens or directives, or costs too much. */
  OPERATION_LIMIT_EXCEEDED: 'OPERATION_LIMIT_EXCEEDED',
  /** The request ran past EXECUTION_TIMEOUT_MS and was abandoned (HTTP 503). */
  EXECUTION_TIMEOUT: 'EXECUTION_TIMEOUT',
  /** Too many requests for this API key or address; retry after the Retry-After header. */
  RATE_LIMITED: 'RATE_LIMITED',
  /** The request body is larger than LIMIT_MAX_BODY_BYTES. */
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  /** A bug or unexpected failure; details are in the server log under the request id. */
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** A client mistake: the message says what was wrong and how to fix it. */
export class BadUserInputError extends GraphQLError {
  constructor(message: string, argumentName?: string) {
    super(message, { extensions: { code: ErrorCode.BAD_USER_INPUT, ...(argumentName ? { argumentName } : {}) } });
  }
}

export class ForbiddenError extends GraphQLError {
  constructor(message: string) {
    super(message, { extensions: { code: ErrorCode.FORBIDDEN } });
  }
}

export class UpstreamUnavailableError extends GraphQLError {
  constructor(message = 'The National Population Database is unavailable; try again shortly.') {
    super(message, { extensions: { code: ErrorCode.UPSTREAM_UNAVAILABLE } });
  }
}

export class AuditUnavailableError extends GraphQLError {
  constructor() {
    super('The lookup could not be recorded in the audit trail, so its data is withheld. Try again shortly.', { extensions: { code: ErrorCode.AUDIT_UNAVAILABLE } });
  }
}

export class DatabaseUnavailableError extends GraphQLError {
  constructor() {
    super('The database is unavailable; nothing was changed. Try again shortly.', { extensions: { code: ErrorCode.DATABASE_UNAVAILABLE } });
  }
}

/** Server codes that mean "the server is going away or unreachable", not "your query is wrong". */
const OUTAGE_CODES = new Set([6, 7, 89, 91, 189, 9001, 10107, 11600, 11602, 13435, 13436]);

function isDatabaseOutage(error: unknown): boolean {
  if (!(error instanceof MongoError)) return false;
  return (
    error instanceof MongoServerSelectionError ||
    error instanceof MongoNetworkError || // includes timeouts and a pool cleared after a network error
    error instanceof MongoNotConnectedError ||
    error instanceof MongoTopologyClosedError ||
    error instanceof MongoOperationTimeoutError ||
    error.hasErrorLabel('ResetPool') ||
    (error instanceof MongoServerError && OUTAGE_CODES.has(Number(error.code)))
  );
}

/**
 * Apollo `formatError`: database outages become DATABASE_UNAVAILABLE, and any
 * error that is not one of ours loses its message and stack (they go to the log).
 */
export function formatGatewayError(formatted: GraphQLFormattedError, error: unknown, onInternal: (error: unknown) => void): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  if (isDatabaseOutage(original)) {
    return { message: new DatabaseUnavailableError().message, locations: formatted.locations, path: formatted.path, extensions: { code: ErrorCode.DATABASE_UNAVAILABLE } };
  }
  if (OPERATION_LIMIT_MESSAGE.test(formatted.message)) {
    return { message: formatted.message.replace(/^Syntax Error: /, ''), locations: formatted.locations, extensions: { code: ErrorCode.OPERATION_LIMIT_EXCEEDED } };
  }
  const code = formatted.extensions?.code;
  if (code === ErrorCode.INTERNAL_SERVER_ERROR || (original instanceof Error && !(original instanceof GraphQLError) && code === undefined)) {
    onInternal(original instanceof Error ? `${original.name}: ${original.message}` : original);
    return { message: 'Internal server error', locations: formatted.locations, path: formatted.path, extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
  }
  // Apollo adds a stack trace outside production; clients never need it.
  if (formatted.extensions && 'stacktrace' in formatted.extensions) {
    const { stacktrace: _stacktrace, ...extensions } = formatted.extensions;
    return { ...formatted, extensions };
  }
  return formatted;
}
