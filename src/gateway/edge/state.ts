import type { IncomingMessage } from 'node:http';
import type { Principal } from '../../platform/identity/principal';

/** What the edge knows about one request, kept in the engine's server context (so also in the GraphQL context). */
export interface EdgeState {
  /** Generated for every request; the audit trail and the logs use it. */
  requestId: string;
  /** The caller's own `x-request-id`, kept when it is safe to log. */
  correlationId: string | null;
  principal: Principal;
  /** The caller's address (after TRUST_PROXY). */
  address: string;
  startedAt: number;
  /** Operation name for metrics and logs: a known name, or "other". */
  operation: string;
  executed: boolean;
  failed: boolean;
  /** The cache-control header of each subgraph response (null where a subgraph sent none). */
  subgraphCacheControl: Array<string | null>;
  /** Set on the pages of a CSV export: the page size the connection at the export path may use. */
  exportPageSize: number | null;
}

/** The engine's server context: Node's request and our state. Internal calls (the export) pass `exportPageSize`, `requestId` and `exportCheckOnly`. */
export interface EdgeServerContext {
  req?: IncomingMessage;
  edge?: EdgeState;
  exportPageSize?: number;
  /** The export's own id, for each of its pages (one id per export in logs and the audit trail); otherwise one is generated. */
  requestId?: string;
  /** The export's check request: checked like any request, then not executed (src/gateway/export/check.ts). */
  exportCheckOnly?: boolean;
}

/** The edge state of a request, from any hook's context. */
export function edgeOf(context: unknown): EdgeState | undefined {
  return (context as EdgeServerContext | undefined)?.edge;
}

const SAFE_CORRELATION_ID = /^[A-Za-z0-9._-]{1,64}$/;

export function correlationIdOf(header: string | null): string | null {
  return header && SAFE_CORRELATION_ID.test(header) ? header : null;
}
