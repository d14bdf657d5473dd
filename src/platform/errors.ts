import { GraphQLError } from 'graphql';
import { MongoError, MongoNetworkError, MongoNotConnectedError, MongoOperationTimeoutError, MongoServerError, MongoServerSelectionError, MongoTopologyClosedError } from 'mongodb';

/**
 * The one registry of error codes (`extensions.code`) that the gateway and its
 * subgraphs return, with the HTTP status they carry when they fail a whole
 * request. Clients switch on these, so codes only ever gain members; the
 * README's table is checked against this list (test/unit/errors.test.ts), and
 * no code is spelled as a string anywhere else.
 */
export const ERROR_CODES = {
  BAD_USER_INPUT: { status: 400, when: 'an argument or variable is malformed' },
  GRAPHQL_PARSE_FAILED: { status: 400, when: 'the operation does not parse' },
  GRAPHQL_VALIDATION_FAILED: { status: 400, when: 'the operation does not match the schema' },
  BAD_REQUEST: { status: 400, when: 'the HTTP request is not a GraphQL request the gateway accepts' },
  UNAUTHENTICATED: { status: 401, when: 'the API key, or a subgraph request signature, is missing, unknown, malformed or revoked' },
  FORBIDDEN: { status: 403, when: 'the caller may not see this field, purpose or subject' },
  PERSISTED_QUERY_NOT_FOUND: { status: 200, when: 'an automatic persisted query hash is not known yet' },
  PERSISTED_QUERY_NOT_ALLOWED: { status: 400, when: 'trusted-documents mode: the operation is not on the allow-list' },
  OPERATION_LIMIT_EXCEEDED: { status: 400, when: 'the operation is too deep, too costly or asks for too much' },
  PAYLOAD_TOO_LARGE: { status: 413, when: 'the request body is too large' },
  RATE_LIMITED: { status: 429, when: 'too many requests, authentication failures or verifications' },
  DATABASE_UNAVAILABLE: { status: 503, when: 'the database did not answer in time' },
  UPSTREAM_UNAVAILABLE: { status: 503, when: 'the National Population Database did not answer' },
  AUDIT_UNAVAILABLE: { status: 503, when: 'a lookup could not be recorded, so its data was withheld' },
  SUBGRAPH_UNAVAILABLE: { status: 503, when: 'a subgraph did not answer; only its fields are null' },
  EXECUTION_TIMEOUT: { status: 503, when: 'the request ran past its deadline' },
  SHUTTING_DOWN: { status: 503, when: 'the instance is stopping' },
  NOT_FOUND: { status: 404, when: 'no such route' },
  INTERNAL_SERVER_ERROR: { status: 500, when: 'a bug; details are in the log under the request id' },
} as const satisfies Record<string, { status: number; when: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** `ErrorCode.RATE_LIMITED === 'RATE_LIMITED'`: the spelling used everywhere. */
export const ErrorCode = Object.fromEntries(Object.keys(ERROR_CODES).map((code) => [code, code])) as { readonly [C in ErrorCode]: C };

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CODES, value);
}

/** The JSON body of an error answered outside GraphQL execution (HTTP layers, export, rate limits). */
export function errorBody(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}): { errors: Array<{ message: string; extensions: Record<string, unknown> }> } {
  return { errors: [{ message, extensions: { code, ...extensions } }] };
}

/** A GraphQL error with one of our codes. */
export class CodedError extends GraphQLError {
  constructor(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}) {
    super(message, { extensions: { code, ...extensions } });
  }
}

/** A client mistake: the message says what was wrong and how to fix it. */
export class BadUserInputError extends CodedError {
  constructor(message: string, argumentName?: string) {
    super(ErrorCode.BAD_USER_INPUT, message, argumentName ? { argumentName } : {});
  }
}

export class ForbiddenError extends CodedError {
  constructor(message: string) {
    super(ErrorCode.FORBIDDEN, message);
  }
}

export class UpstreamUnavailableError extends CodedError {
  constructor(message = 'The National Population Database is unavailable; try again shortly.') {
    super(ErrorCode.UPSTREAM_UNAVAILABLE, message);
  }
}

export class AuditUnavailableError extends CodedError {
  constructor() {
    super(ErrorCode.AUDIT_UNAVAILABLE, 'The lookup could not be recorded in the audit trail, so its data is withheld. Try again shortly.');
  }
}

export class DatabaseUnavailableError extends CodedError {
  constructor() {
    super(ErrorCode.DATABASE_UNAVAILABLE, 'The database is unavailable; nothing was changed. Try again shortly.');
  }
}

/**
 * HTTP status of a request error (parse, validation, limits, variables): 400 for
 * clients that accept `application/graphql-response+json`; `spec` lets the engine
 * answer 200 to legacy `application/json` clients, as GraphQL over HTTP recommends.
 */
export function requestErrorHttp(code: ErrorCode): { status: number; spec: true } {
  return { status: ERROR_CODES[code].status, spec: true };
}

export class OperationLimitError extends CodedError {
  constructor(message: string) {
    super(ErrorCode.OPERATION_LIMIT_EXCEEDED, message, { http: requestErrorHttp(ErrorCode.OPERATION_LIMIT_EXCEEDED) });
  }
}

export class RateLimitedError extends CodedError {
  constructor(message: string) {
    super(ErrorCode.RATE_LIMITED, message);
  }
}

/** Server codes that mean "the server is going away or unreachable", not "your query is wrong". */
const OUTAGE_CODES = new Set([6, 7, 89, 91, 189, 9001, 10107, 11600, 11602, 13435, 13436]);

/** True when a driver error means the database is out of reach (→ DATABASE_UNAVAILABLE). */
export function isDatabaseOutage(error: unknown): boolean {
  if (!(error instanceof MongoError)) return false;
  return (
    error instanceof MongoServerSelectionError ||
    error instanceof MongoNetworkError || // includes timeouts and a pool cleared after a network error
    error instanceof MongoNotConnectedError ||
    error instanceof MongoTopologyClosedError ||
    error instanceof MongoOperationTimeoutError ||
    error.hasErrorLabel('ResetPool') ||
    (error instanceof MongoServerError && (OUTAGE_CODES.has(Number(error.code)) || error.code === 50)) // 50: MaxTimeMSExpired
  );
}
