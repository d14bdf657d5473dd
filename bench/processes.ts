/** Starting and stopping the benchmark's target processes (the parent side of bench/child.ts). */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';

export interface Started<T> {
  child: ChildProcess;
  ready: T;
}

/** bench/child.ts `announce`: one JSON line. */
const jsonLine = <T>(line: string): T | undefined => (line.startsWith('{') ? (JSON.parse(line) as T) : undefined);

/** Node flags for every target process, e.g. `--cpu-prof` (bench --profile). */
export interface SpawnOptions {
  nodeFlags: readonly string[];
  env: NodeJS.ProcessEnv;
}

/**
 * Starts `node <script> <args>` and resolves with the first stdout line that
 * `parse` accepts (by default bench/child.ts `announce`'s JSON). Its stderr is
 * passed through, so a target's errors show in the benchmark's output.
 */
export function startAnnouncing<T>(script: string, args: readonly string[], options: SpawnOptions, parse: (line: string) => T | undefined = jsonLine): Promise<Started<T>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...options.nodeFlags, script, ...args], { env: options.env, stdio: ['pipe', 'pipe', 'inherit'] });
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.on('line', (line) => {
      const ready = parse(line);
      if (ready !== undefined) resolve({ child, ready });
    });
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code} before it was ready`)));
    child.once('error', reject);
  });
}

/**
 * Starts a server that announces nothing (the gateway's own `node dist/src/main.js`)
 * on the port given in its environment, and resolves once `readyUrl` answers 200.
 */
export async function startListening(script: string, options: SpawnOptions, readyUrl: string, timeoutMs = 60_000): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...options.nodeFlags, script], { env: options.env, stdio: ['ignore', 'ignore', 'inherit'] });
  let exited: number | null | undefined;
  child.once('exit', (code) => (exited = code));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited !== undefined) throw new Error(`${script} exited with ${exited} before it was ready`);
    const ready = await fetch(readyUrl).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return child;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await stopProcess(child, 'SIGTERM');
  throw new Error(`${script} was not ready at ${readyUrl} within ${timeoutMs / 1000} s`);
}

/**
 * How a target is asked to stop so that it exits by itself (`--cpu-prof`
 * writes its profile only then): bench/child.ts targets when their stdin
 * closes, our own scripts (the gateway drains first) on SIGTERM.
 */
export type StopBy = 'stdin' | 'SIGTERM';

/** Stops a target as `by` says; one that has not exited within `graceMs` is killed. */
export function stopProcess(child: ChildProcess, by: StopBy, graceMs = 15_000): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    if (by === 'stdin') child.stdin?.end();
    else child.kill('SIGTERM');
  });
}

/** A loopback port free now, for a server that must be told its port. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
