import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { resolve } from 'node:path';

export const MAIN = resolve(__dirname, '..', '..', 'dist', 'src', 'main.js');
/** `npm run subgraph` as built. */
export const SUBGRAPH = resolve(__dirname, '..', '..', 'dist', 'src', 'scripts', 'subgraph.js');

export interface GatewayProcess {
  child: ChildProcessWithoutNullStreams;
  /** Everything written to stderr so far (JSON log lines). */
  logs(): string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  /** Base URL once the gateway logged "gateway ready". */
  url?: string;
}

/** Runs the built gateway (`dist/src/main.js`, built by `npm test` before jest) as `npm start` does, or another built script with `args`. */
export function spawnGateway(env: Record<string, string>, args: string[] = [MAIN]): GatewayProcess {
  const child = spawn(process.execPath, args, {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolvePromise) => child.on('exit', (code) => resolvePromise(code)));
  return { child, logs: () => stderr, exited };
}

/** Waits until the gateway logs its URL, or fails with its output if it exits first. */
export async function waitForReady(gateway: GatewayProcess, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | null | undefined;
  void gateway.exited.then((code) => (exitCode = code));
  while (Date.now() < deadline) {
    const match = /"message":"gateway ready".*?"url":"(http:\/\/[^"]+)\/graphql"/.exec(gateway.logs());
    if (match?.[1]) {
      gateway.url = match[1];
      return match[1];
    }
    if (exitCode !== undefined) throw new Error(`gateway exited with ${exitCode} before it was ready:\n${gateway.logs()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`gateway not ready after ${timeoutMs} ms:\n${gateway.logs()}`);
}

export async function graphql(
  baseUrl: string,
  query: string,
  variables?: Record<string, unknown>,
): Promise<{ status: number; body: { data?: Record<string, unknown>; errors?: Array<{ message: string; extensions?: { code?: string } }> } }> {
  const response = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as never };
}
