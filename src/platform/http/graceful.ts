import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { ErrorCode } from '../errors';
import { sendError } from './respond';

/**
 * Graceful HTTP shutdown. Requests received before the signal finish; requests
 * that arrive while draining are answered 503 SHUTTING_DOWN with
 * `Connection: close` (a clean refusal that load balancers and clients retry).
 * The listener closes only once nothing is in flight: closing it at once would
 * reset connections still waiting in the kernel's accept queue, and closing
 * idle connections at once would cut connections whose request was not read yet.
 */
export class GracefulHttp {
  private inFlight = 0;
  private draining = false;

  /** Wraps the request handler to count requests in flight and refuse new ones while draining. */
  handler(app: (req: IncomingMessage, res: ServerResponse) => void): (req: IncomingMessage, res: ServerResponse) => void {
    return (req, res) => {
      if (this.draining) {
        sendError(res, ErrorCode.SHUTTING_DOWN, 'The gateway is shutting down; retry on another instance.', { headers: { connection: 'close', 'retry-after': '1' } });
        return;
      }
      this.inFlight += 1;
      res.once('close', () => (this.inFlight -= 1));
      app(req, res);
    };
  }

  /** Waits until no request is in flight and none has arrived for a moment (or `deadline`), then closes `server`. */
  async drain(server: Server, deadline: number): Promise<{ unfinished: number }> {
    this.draining = true;
    for (let quietSince = Date.now(); Date.now() < deadline;) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      if (this.inFlight > 0) quietSince = Date.now();
      else if (Date.now() - quietSince >= 250) break;
    }
    const unfinished = this.inFlight;
    server.close();
    server.closeAllConnections();
    return { unfinished };
  }
}
