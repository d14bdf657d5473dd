import { GraphQLError } from 'graphql';
import type { GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { MongoNetworkError, MongoServerSelectionError, MongoNotConnectedError, MongoTopologyClosedError } from 'mongodb';

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

function isDatabaseOutage(error: unknown): boolean {
  return (
    error instanceof MongoServerSelectionError ||
    error instanceof MongoNetworkError ||
    error instanceof MongoNotConnectedError ||
    error instanceof MongoTopologyClosedError
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
  const code = formatted.extensions?.code;
  if (code === ErrorCode.INTERNAL_SERVER_ERROR || (original instanceof Error && !(original instanceof GraphQLError) && code === undefined)) {
    onInternal(original);
    return { message: 'Internal server error', locations: formatted.locations, path: formatted.path, extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
  }
  // Apollo adds a stack trace outside production; clients never need it.
  if (formatted.extensions && 'stacktrace' in formatted.extensions) {
    const { stacktrace: _stacktrace, ...extensions } = formatted.extensions;
    return { ...formatted, extensions };
  }
  return formatted;
}
