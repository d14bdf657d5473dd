import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Slow clients cannot hold a connection: the headers must arrive within 10 s
 * and the whole request within 30 s (Node's defaults are 60 s and 5 min).
 */
export const HEADERS_TIMEOUT_MS = 10_000;
export const REQUEST_TIMEOUT_MS = 30_000;

export interface Listening {
  server: Server;
  /** http://host:port, with the port the OS chose when 0 was asked. */
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface ListenTimeouts {
  headersTimeoutMs: number;
  requestTimeoutMs: number;
}

/** An HTTP server for `handler` on host:port, with the timeouts above (tests may shorten them). */
export async function listen(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  port: number,
  host: string,
  timeouts: ListenTimeouts = { headersTimeoutMs: HEADERS_TIMEOUT_MS, requestTimeoutMs: REQUEST_TIMEOUT_MS },
): Promise<Listening> {
  // Node checks the timeouts every `connectionsCheckingInterval` (30 s by default): check as often as the shorter one allows.
  const connectionsCheckingInterval = Math.min(1_000, timeouts.headersTimeoutMs);
  const server = createServer({ headersTimeout: timeouts.headersTimeoutMs, requestTimeout: timeouts.requestTimeoutMs, connectionsCheckingInterval }, handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return {
    server,
    port: actual,
    url: `http://${shownHost}:${actual}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
