import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { MongoClient } from 'mongodb';
import type { Logger } from '../logger';
import { projectPath } from '../paths';

const LAUNCHER_FILES = ['go.mod', 'go.sum', 'main.go'];

/** Raised when the local database cannot be built or started; the message says what to do. */
export class EmbeddedDatabaseError extends Error {
  override name = 'EmbeddedDatabaseError';
}

export interface EmbeddedDatabase {
  uri: string;
  port: number;
  /** Stops the server and waits for it to exit. */
  stop(): Promise<void>;
  /** Resolves when the process exits, however that happens. */
  readonly exited: Promise<number | null>;
}

/** The Go launcher that embeds FerretDB v1.24.2 on SQLite: tools/ferretdb. */
function sourceDir(): string {
  return projectPath('tools', 'ferretdb');
}

/** Path of the cached launcher binary, keyed by a hash of its sources so an upgrade rebuilds it. */
async function launcherPath(cacheDir: string): Promise<{ binary: string; source: string }> {
  const source = sourceDir();
  const hash = createHash('sha256');
  for (const file of LAUNCHER_FILES) hash.update(await readFile(join(source, file)));
  return { binary: join(cacheDir, 'ferretdb', hash.digest('hex').slice(0, 16), 'ferretdb-launcher'), source };
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, output }));
  });
}

/** Builds the launcher once (about a minute with a cold Go module cache) and caches the binary. */
export async function ensureLauncherBinary(cacheDir: string, log: Logger): Promise<string> {
  const { binary, source } = await launcherPath(cacheDir);
  if (existsSync(binary)) return binary;
  const dir = resolve(binary, '..');
  await mkdir(dir, { recursive: true });
  const partial = `${binary}.${process.pid}.partial`;
  log.info('building the local database (FerretDB v1.24.2 on SQLite) from its Go module; this runs once', { binary });
  let result;
  try {
    result = await run('go', ['build', '-trimpath', '-mod=readonly', '-o', partial, '.'], source, { ...process.env, CGO_ENABLED: '0' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new EmbeddedDatabaseError(
        'Cannot build the local database: the Go toolchain is not installed. Install Go 1.24 or newer (https://go.dev/dl/) ' +
          'and run the command again, or set MONGODB_URI to an existing MongoDB.',
      );
    }
    throw error;
  }
  if (result.code !== 0) {
    await rm(partial, { force: true });
    throw new EmbeddedDatabaseError(
      `Cannot build the local database: "go build" in ${source} failed. It needs Go 1.24 or newer and access to the Go module proxy ` +
        `(or a warm module cache); or set MONGODB_URI to an existing MongoDB.\n${result.output.trim().split('\n').slice(-15).join('\n')}`,
    );
  }
  // Atomic: concurrent starters never run a half-written binary.
  await rename(partial, binary);
  log.info('local database built', { binary });
  return binary;
}

/** Asks the OS for a free TCP port on the loopback interface. */
export function findFreePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePromise(port));
    });
  });
}

async function waitUntilReachable(uri: string, child: ChildProcess, exited: Promise<number | null>, output: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let processGone = false;
  void exited.then(() => (processGone = true));
  while (Date.now() < deadline) {
    if (processGone) {
      throw new EmbeddedDatabaseError(`The local database exited at start (code ${child.exitCode}):\n${output().trim().split('\n').slice(-10).join('\n')}`);
    }
    const client = new MongoClient(uri, { serverSelectionTimeoutMS: 500, connectTimeoutMS: 500 });
    try {
      await client.db('admin').command({ ping: 1 });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      await client.close().catch(() => undefined);
    }
  }
  throw new EmbeddedDatabaseError(`The local database did not answer within ${timeoutMs} ms:\n${output().trim().split('\n').slice(-10).join('\n')}`);
}

export interface StartEmbeddedOptions {
  dataDir: string;
  cacheDir: string;
  /** 0 or undefined picks a free port. */
  port?: number;
  log: Logger;
  startTimeoutMs?: number;
}

/** Builds (if needed) and starts FerretDB on 127.0.0.1; resolves once it answers `ping`. */
export async function startEmbeddedDatabase(options: StartEmbeddedOptions): Promise<EmbeddedDatabase> {
  const binary = await ensureLauncherBinary(options.cacheDir, options.log);
  await mkdir(options.dataDir, { recursive: true });
  const port = options.port || (await findFreePort());
  const child = spawn(binary, ['-listen', `127.0.0.1:${port}`, '-data-dir', options.dataDir, '-exit-on-stdin-close'], {
    // stdin stays open as a pipe: if this process dies without stopping the child, the pipe closes and the child exits.
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    const text = chunk.toString();
    stderr = (stderr + text).slice(-8192);
    for (const line of text.split('\n')) if (line.trim()) options.log.debug('ferretdb', { line });
  });
  const exited = new Promise<number | null>((resolvePromise) => {
    child.on('exit', (code) => resolvePromise(code));
    child.on('error', () => resolvePromise(null));
  });
  const uri = `mongodb://127.0.0.1:${port}/?directConnection=true`;
  try {
    await waitUntilReachable(uri, child, exited, () => stderr, options.startTimeoutMs ?? 20_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  options.log.info('local database started', { port, dataDir: options.dataDir });
  let stopping: Promise<void> | undefined;
  return {
    uri,
    port,
    exited,
    stop() {
      stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      })();
      return stopping;
    },
  };
}
