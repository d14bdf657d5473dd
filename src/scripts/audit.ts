import { createPublicKey, type KeyObject } from 'node:crypto';
import { createReadStream, createWriteStream, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Writable } from 'node:stream';
import type { Db } from 'mongodb';
import { ConfigError, isProduction, readDatabaseConfig, readLogLevel, type Env } from '../platform/config';
import { openDatabase } from '../platform/db/open';
import { createLogger } from '../platform/logger';
import { publicKeyIdOf } from '../subgraphs/population/audit/checkpoint';
import { exportPeriod, firstProblem, verifyDatabase, verifyExport, type TrailReport } from '../subgraphs/population/audit/inspect';
import type { ChainReport } from '../subgraphs/population/audit/verify';
import { readAuditSigningKey } from '../subgraphs/population/config';

const USAGE = `Usage:
  npm run audit -- verify [--public-key <pem>]...
      check every chain of the audit trail in the database (MONGODB_URI, or the embedded one)
  npm run audit -- export --from <date> --to <date> [--out <file>]
      write the entries and checkpoints of [from, to) as JSON lines (to stdout without --out)
  npm run audit -- verify --file <export> --public-key <pem> [--public-key <pem>]...
      check an export offline, with only the public key(s)
Dates are YYYY-MM-DD (midnight UTC) or ISO 8601 times. Without --public-key, verify uses the
public half of AUDIT_SIGNING_KEY (or of the development key). Exit codes: 0 verified, 1 broken, 2 usage.`;

/** A usage mistake: exit code 2 with the usage. */
class UsageError extends Error {}

interface Output {
  out: Writable;
  err: Writable;
}

function options(args: readonly string[], name: string): string[] {
  const values: string[] = [];
  args.forEach((arg, index) => {
    if (arg !== `--${name}`) return;
    const value = args[index + 1];
    if (value === undefined || value.startsWith('--')) throw new UsageError(`--${name} needs a value`);
    values.push(value);
  });
  return values;
}

function option(args: readonly string[], name: string): string | undefined {
  const values = options(args, name);
  if (values.length > 1) throw new UsageError(`--${name} may be given once`);
  return values[0];
}

function date(text: string | undefined, name: string): Date {
  const value = text && /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2}))?$/.test(text) ? new Date(text.length === 10 ? `${text}T00:00:00Z` : text) : undefined;
  if (!value || Number.isNaN(value.getTime())) throw new UsageError(`--${name} must be a date (YYYY-MM-DD) or an ISO 8601 time, got "${text ?? ''}"`);
  return value;
}

/** The public keys checkpoints are checked against: the files given, or the configured signing key's. */
function publicKeys(args: readonly string[], env: Env): Map<string, KeyObject> {
  const files = options(args, 'public-key');
  const keys = files.map((file) => {
    try {
      return createPublicKey(readFileSync(file));
    } catch {
      throw new UsageError(`--public-key ${file} is not a readable public key in PEM`);
    }
  });
  if (keys.length === 0) keys.push(readAuditSigningKey(env, isProduction(env)).signer.publicKey);
  return new Map(keys.map((key) => [publicKeyIdOf(key), key]));
}

const number = (n: number): string => n.toLocaleString('en-US');
const count = (n: number, one: string, many = `${one}s`): string => `${number(n)} ${n === 1 ? one : many}`;

function chainLine(chain: ChainReport): string {
  const range = chain.entries + chain.links === 0 ? 'no entries' : `seq ${number(chain.firstSeq)}–${number(chain.lastSeq)}`;
  const links = chain.links > 0 ? ` (${number(chain.links)} outside the period as links)` : '';
  const unsealed = chain.lastSeq - chain.sealedTo;
  const open = '(its writer is running, or stopped without closing it)';
  const seal = chain.closed
    ? 'sealed to its end, closed by its writer'
    : unsealed === 0
      ? `sealed to its end, not closed ${open}`
      : chain.sealedTo === 0
        ? `not sealed by any checkpoint: ${count(unsealed, 'entry', 'entries')} ${open}`
        : `sealed to seq ${number(chain.sealedTo)}; ${count(unsealed, 'entry', 'entries')} after the last checkpoint unsealed ${open}`;
  return `  ${chain.chain}  ${range}${links}  ${chain.problem ? 'BROKEN' : seal}`;
}

/** The summary, then one line per broken chain (the first names the first broken entry). */
export function formatReport(report: TrailReport): string[] {
  const chains = report.chains;
  const times = chains
    .flatMap((c) => [c.firstAt, c.lastAt])
    .filter((t): t is string => t !== null)
    .sort();
  const lines = [
    `Audit trail: ${count(chains.length, 'chain')}, ${count(
      chains.reduce((n, c) => n + c.entries, 0),
      'entry',
      'entries',
    )}, ${count(
      chains.reduce((n, c) => n + c.checkpoints, 0),
      'checkpoint',
    )}, first ${times[0] ?? '—'}, last ${times.at(-1) ?? '—'}.`,
    ...chains.slice(0, 50).map(chainLine),
    ...(chains.length > 50 ? [`  … and ${number(chains.length - 50)} more chains`] : []),
  ];
  const problems = [...report.strays, ...chains.flatMap((c) => (c.problem ? [c.problem] : []))];
  if (problems.length === 0) {
    const unsealed = chains.reduce((n, c) => n + (c.closed ? 0 : c.lastSeq - c.sealedTo), 0);
    lines.push('Verified: every entry matches its hash, every link and sequence number follows, every checkpoint signature is valid.');
    lines.push(
      `Not covered: ${unsealed === 0 ? 'no entry' : count(unsealed, 'entry', 'entries')} after a chain's last checkpoint; and a holder of the signing key could re-sign a rewritten chain, except what was exported and kept elsewhere.`,
    );
    return lines;
  }
  for (const problem of problems) lines.push(`BROKEN ${problem.at} — ${problem.kind}: ${problem.detail}`);
  if (report.strayCount > report.strays.length) lines.push(`  … and ${number(report.strayCount - report.strays.length)} more entries outside any chain`);
  return lines;
}

async function withDatabase<T>(env: Env, task: (db: Db) => Promise<T>): Promise<T> {
  const config = readDatabaseConfig(env);
  // Reading a whole trail in order may take longer than a request may.
  const database = await openDatabase(
    { ...config, dbRequestTimeoutMs: Math.max(config.dbRequestTimeoutMs, 300_000) },
    createLogger(readLogLevel(env) === 'debug' ? 'debug' : 'warn', { service: 'audit' }),
    'dvc-audit',
  );
  try {
    return await task(database.db);
  } finally {
    await database.close();
  }
}

async function writeLines(lines: AsyncIterable<string>, target: Writable): Promise<number> {
  let count = 0;
  for await (const line of lines) {
    count += 1;
    if (!target.write(`${line}\n`)) await once(target, 'drain');
  }
  return count;
}

async function exportCommand(args: readonly string[], env: Env, io: Output): Promise<number> {
  const from = date(option(args, 'from'), 'from');
  const to = date(option(args, 'to'), 'to');
  if (to <= from) throw new UsageError('--to must be after --from');
  const file = option(args, 'out');
  const target = file ? createWriteStream(file, { flags: 'wx' }) : io.out;
  const count = await withDatabase(env, (db) => writeLines(exportPeriod(db, from, to), target));
  if (file) await new Promise<void>((resolve, reject) => target.end((error?: Error | null) => (error ? reject(error) : resolve())));
  io.err.write(`Exported ${number(count - 1)} records of [${from.toISOString()}, ${to.toISOString()})${file ? ` to ${file}` : ''}.\n`);
  return 0;
}

async function verifyCommand(args: readonly string[], env: Env, io: Output): Promise<number> {
  const file = option(args, 'file');
  if (file && options(args, 'public-key').length === 0) throw new UsageError('verify --file needs --public-key: an export is checked with the public key alone');
  const keys = publicKeys(args, env);
  const report = file
    ? await verifyExport(createInterface({ input: createReadStream(file), crlfDelay: Infinity }), keys)
    : await withDatabase(env, (db) => verifyDatabase(db, keys));
  for (const line of formatReport(report)) io.out.write(`${line}\n`);
  return firstProblem(report) ? 1 : 0;
}

/** `npm run audit -- <command>`: the exit code (0 verified or exported, 1 broken, 2 usage). */
export async function runAudit(args: readonly string[], env: Env, io: Output): Promise<number> {
  const [command, ...rest] = args;
  try {
    if (command === 'verify') return await verifyCommand(rest, env, io);
    if (command === 'export') return await exportCommand(rest, env, io);
    throw new UsageError(command ? `unknown command "${command}"` : 'a command is needed');
  } catch (error) {
    if (error instanceof ConfigError) {
      io.err.write(`${error.message}\n`);
      return 2;
    }
    if (!(error instanceof UsageError)) throw error;
    io.err.write(`${error.message}\n${USAGE}\n`);
    return 2;
  }
}

if (require.main === module) {
  runAudit(process.argv.slice(2), process.env, { out: process.stdout, err: process.stderr }).then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
