import type { ServerResponse } from 'node:http';
import { ERROR_CODES, errorBody, type ErrorCode } from '../errors';

/**
 * The one way an HTTP layer answers with an error outside GraphQL execution:
 * a GraphQL-shaped JSON body with our code, the code's HTTP status (or the one
 * given), `nosniff`, and any extra headers (Retry-After, Connection).
 */
export function sendError(
  res: ServerResponse,
  code: ErrorCode,
  message: string,
  options: { status?: number; headers?: Record<string, string>; extensions?: Record<string, unknown> } = {},
): void {
  if (res.headersSent) return;
  const body = JSON.stringify(errorBody(code, message, options.extensions));
  res.writeHead(options.status ?? ERROR_CODES[code].status, {
    'content-type': 'application/json; charset=utf-8',
    'x-content-type-options': 'nosniff',
    'content-length': String(Buffer.byteLength(body)),
    ...options.headers,
  });
  res.end(body);
}

/** The same error as a fetch Response (for the gateway engine's hooks). */
export function errorResponse(
  code: ErrorCode,
  message: string,
  options: { status?: number; headers?: Record<string, string>; extensions?: Record<string, unknown> } = {},
): Response {
  return new Response(JSON.stringify(errorBody(code, message, options.extensions)), {
    status: options.status ?? ERROR_CODES[code].status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'x-content-type-options': 'nosniff', ...options.headers },
  });
}
