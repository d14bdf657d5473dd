import { loadSyntheticCatalogue, type SyntheticLoadProgress } from '../synthetic-load';
import { SYNTHETIC_MAX_SERVICES } from '../synthetic';
import { readDatabaseConfig, readLogLevel } from '../../src/platform/config';
import { openDatabase } from '../../src/platform/db/open';
import { createLogger } from '../../src/platform/logger';

/**
 * `npm run seed:synthetic -- --services N [--seed S] [--database NAME]`: replaces
 * the database NAME (default dvc_synthetic_<N>) with the curated catalogue plus N
 * synthetic services (seeds/synthetic.ts), for benchmarks. Opens the database as
 * `npm run seed` does (MONGODB_URI, or the embedded one) but never the gateway's
 * own (MONGODB_DB, default dvc_gateway).
 */

export const USAGE = `Usage: npm run seed:synthetic -- --services N [--seed S] [--database NAME]  (N: 1 to ${SYNTHETIC_MAX_SERVICES}; S: 0 to 4294967295, default 1; NAME: default dvc_synthetic_<N>)`;

export type SyntheticArgs = { ok: true; services: number; seed: number; database: string } | { ok: false; message: string };

/** Parses the command line (argv without node and the script); `gatewayDatabase` is the database the gateway uses, which is refused. */
export function parseSyntheticArgs(argv: readonly string[], gatewayDatabase: string): SyntheticArgs {
  const bad = (problem: string): SyntheticArgs => ({ ok: false, message: `${problem}\n${USAGE}` });
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    const match = /^--(services|seed|database)(?:=(.*))?$/.exec(arg);
    if (!match) return bad(arg === '--help' || arg === '-h' ? 'Loads a synthetic catalogue for benchmarks.' : `Unknown argument "${arg}".`);
    const name = match[1] as string;
    const value = match[2] ?? argv[(i += 1)];
    if (value === undefined || value === '') return bad(`--${name} needs a value.`);
    if (values.has(name)) return bad(`--${name} is given twice.`);
    values.set(name, value);
  }
  const whole = (name: string, raw: string | undefined, min: number, max: number): number | string => {
    if (raw === undefined) return `--${name} is required.`;
    const value = /^\d+$/.test(raw) ? Number(raw) : NaN;
    return Number.isSafeInteger(value) && value >= min && value <= max ? value : `--${name} must be a whole number from ${min} to ${max}, got "${raw}".`;
  };
  const services = whole('services', values.get('services'), 1, SYNTHETIC_MAX_SERVICES);
  if (typeof services === 'string') return bad(services);
  const seed = whole('seed', values.get('seed') ?? '1', 0, 0xffffffff);
  if (typeof seed === 'string') return bad(seed);
  const database = values.get('database') ?? `dvc_synthetic_${services}`;
  if (!/^[A-Za-z0-9_-]{1,63}$/.test(database)) return bad(`--database must be 1–63 letters, digits, "_" or "-", got "${database}".`);
  if (database === gatewayDatabase) {
    return { ok: false, message: `Refusing to replace "${database}": it is the gateway's own database (MONGODB_DB). Choose another with --database NAME.` };
  }
  return { ok: true, services, seed, database };
}

export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

const PHASE_UNITS: Record<SyntheticLoadProgress['phase'], string> = { reference: 'documents', services: 'services', indexes: 'step', meta: 'step' };

const formatSeconds = (seconds: number): string => {
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};

/**
 * A progress reporter for loadSyntheticCatalogue. On a terminal, one line per phase
 * redrawn in place (phase, bar, done/total, documents per second in the phase, time
 * left); otherwise a plain line each time a phase passes another 10%, and one when
 * a single-step phase (indexes, meta) starts and ends. `finish()` ends the line.
 */
export function createProgressReporter(
  stream: ProgressStream,
  now: () => number = () => performance.now(),
): { onProgress: (p: SyntheticLoadProgress) => void; finish: () => void } {
  let phase = '';
  let phaseStarted = now();
  let phaseDocuments = 0;
  let lastDraw = -Infinity;
  let lastTenth = -1;
  let drawn = false;
  return {
    onProgress(p) {
      const t = now();
      if (p.phase !== phase) {
        // On a terminal each phase keeps its last line; the next phase draws below it.
        if (drawn) stream.write('\n');
        drawn = false;
        phase = p.phase;
        phaseStarted = t;
        phaseDocuments = p.documents;
        lastTenth = -1;
        lastDraw = -Infinity;
      }
      const fraction = p.total > 0 ? Math.min(1, p.done / p.total) : 1;
      const phaseElapsed = (t - phaseStarted) / 1000;
      const rate = phaseElapsed > 0 ? (p.documents - phaseDocuments) / phaseElapsed : 0;
      const eta = fraction > 0 && fraction < 1 ? ` ETA ${formatSeconds((phaseElapsed * (1 - fraction)) / fraction)}` : '';
      const counts = `${p.done.toLocaleString('en-US')}/${p.total.toLocaleString('en-US')} ${PHASE_UNITS[p.phase]}`;
      const speed = `${Math.round(rate).toLocaleString('en-US')} docs/s`;
      const step = PHASE_UNITS[p.phase] === 'step';
      if (stream.isTTY) {
        if (t - lastDraw < 100 && fraction < 1) return;
        lastDraw = t;
        const width = 24;
        const filled = Math.round(fraction * width);
        const body = step ? (p.done === 0 ? 'working…' : `done in ${phaseElapsed.toFixed(1)} s`) : `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${counts}  ${speed}${eta}`;
        stream.write(`\r${p.phase.padEnd(9)} ${body}\x1b[K`);
        drawn = true;
      } else if (step) {
        if (p.done === 0) stream.write(`${p.phase}: started\n`);
        else stream.write(`${p.phase}: done in ${phaseElapsed.toFixed(1)} s\n`);
      } else {
        const tenth = Math.floor(fraction * 10);
        if (tenth === lastTenth) return;
        lastTenth = tenth;
        stream.write(`${p.phase}: ${Math.round(fraction * 100)}% ${counts}, ${p.documents.toLocaleString('en-US')} documents, ${speed}${eta}\n`);
      }
    },
    finish() {
      if (drawn) stream.write('\n');
      drawn = false;
    },
  };
}

async function main(): Promise<void> {
  const config = readDatabaseConfig(process.env);
  const args = parseSyntheticArgs(process.argv.slice(2), config.databaseName);
  if (!args.ok) {
    process.stderr.write(`${args.message}\n`);
    process.exit(2);
  }
  const log = createLogger(readLogLevel(process.env), { service: 'seed-synthetic' });
  const started = performance.now();
  const database = await openDatabase({ ...config, databaseName: args.database }, log, 'dvc-seed-synthetic');
  const progress = createProgressReporter(process.stderr);
  try {
    const loadStarted = performance.now();
    const meta = await loadSyntheticCatalogue(database.db, { services: args.services, seed: args.seed }, progress.onProgress);
    progress.finish();
    const seconds = (performance.now() - loadStarted) / 1000;
    const { counts } = meta;
    const documents = counts.provinces + counts.agencies + counts.directives + counts.services + counts.milestones;
    const n = (value: number): string => value.toLocaleString('en-US');
    process.stdout.write(
      `Loaded synthetic catalogue (seed ${meta.seed}) into ${args.database}: ${n(counts.services)} services (${n(counts.synthetic.services)} synthetic), ` +
        `${n(counts.milestones)} milestones, ${n(counts.directives)} directives, ${n(counts.agencies)} agencies, ${n(counts.provinces)} provinces; ` +
        `${n(documents)} documents in ${seconds.toFixed(1)} s (${n(Math.round(documents / seconds))} docs/s; ${((performance.now() - started) / 1000).toFixed(1)} s with start-up).\n`,
    );
  } catch (error) {
    progress.finish();
    throw error;
  } finally {
    await database.close();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
