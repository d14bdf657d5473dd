/** `npm run bench` options: the command line, parsed and checked. */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { OPERATIONS } from './operations';
import { TARGETS, type TargetName } from './results';

export interface BenchOptions {
  /** 0 = the curated seed data alone; N = N synthetic services on top of it. */
  sizes: number[];
  seed: number;
  connections: number;
  durationSeconds: number;
  /** A check request slower than this is not put under load; its single time is reported. */
  loadMaxSeconds: number;
  /** Above this many services only our gateway runs: the other targets are compared at the sizes below. */
  compareMaxServices: number;
  /**
   * An operation is not run at a size where one request would take longer than this,
   * projected linearly from the size before; the gateway's flat operations always run.
   */
  budgetSeconds: number;
  /** How long a gateway flat operation's check request may take before it is reported as slower than that. */
  flatTimeoutSeconds: number;
  operations: string[] | undefined;
  /** The targets to measure (default all); the gateway always runs: the others' JSON is compared with its. */
  targets: TargetName[];
  outDir: string;
  /** With --profile DIR: the shipped gateway and subgraphs run with `--cpu-prof`, their profiles in DIR. */
  profileDir: string | undefined;
  stubLatencyMs: number;
  /** Prepended to the benchmark's database names (tests use their own). */
  databasePrefix: string;
  /** Only re-render RESULTS.md and the chart from results.json. */
  reportOnly: boolean;
  /** An existing server; default MONGODB_URI, else the embedded database is started. */
  mongoUri: string | undefined;
}

/** The repository: this file runs from bench/ (jest) or dist/bench/ (npm run bench). */
export const ROOT = existsSync(resolve(__dirname, '..', 'package.json')) ? resolve(__dirname, '..') : resolve(__dirname, '..', '..');

const USAGE = `Usage: npm run bench -- [--sizes 0,1000] [--seed 1] [--connections 4] [--duration 10]
                       [--load-max-seconds 5] [--compare-max-services 10000] [--budget-seconds 60] [--flat-timeout-seconds 300]
                       [--operations a,b] [--targets gateway,subgraph,hive,apollo,rest,naive] [--out bench] [--profile DIR] [--report-only]
  --sizes 0 means the curated seed data alone; N adds N synthetic services (npm run seed:synthetic).`;

type NumericOption = 'seed' | 'connections' | 'durationSeconds' | 'loadMaxSeconds' | 'compareMaxServices' | 'budgetSeconds' | 'flatTimeoutSeconds';

/** Flags that take one whole number: the option they set and its bounds. */
const NUMERIC_OPTIONS: Record<string, [NumericOption, number, number]> = {
  '--seed': ['seed', 0, 2 ** 31],
  '--connections': ['connections', 1, 256],
  '--duration': ['durationSeconds', 1, 600],
  '--load-max-seconds': ['loadMaxSeconds', 1, 3_600],
  '--compare-max-services': ['compareMaxServices', 0, 1_000_000],
  '--budget-seconds': ['budgetSeconds', 1, 86_400],
  '--flat-timeout-seconds': ['flatTimeoutSeconds', 1, 86_400],
};

export function defaultBenchOptions(): BenchOptions {
  return {
    sizes: [0, 1_000],
    seed: 1,
    connections: 4,
    durationSeconds: 10,
    loadMaxSeconds: 5,
    compareMaxServices: 10_000,
    budgetSeconds: 60,
    flatTimeoutSeconds: 300,
    operations: undefined,
    targets: [...TARGETS],
    outDir: resolve(ROOT, 'bench'),
    profileDir: undefined,
    stubLatencyMs: 20,
    databasePrefix: '',
    reportOnly: false,
    mongoUri: process.env.MONGODB_URI?.trim() || undefined,
  };
}

function wholeNumber(flag: string, text: string | undefined, min: number, max: number): number {
  if (text === undefined || !/^\d+$/.test(text) || Number(text) < min || Number(text) > max) throw new Error(`${flag} must be a whole number from ${min} to ${max}\n${USAGE}`);
  return Number(text);
}

function operationNames(value: string | undefined): string[] {
  const names = (value ?? '').split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !OPERATIONS.some((op) => op.name === name));
  if (unknown.length > 0) throw new Error(`unknown operation(s) ${unknown.join(', ')}; known: ${OPERATIONS.map((op) => op.name).join(', ')}`);
  return names;
}

function targetNames(value: string | undefined): TargetName[] {
  const names = (value ?? '').split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !(TARGETS as readonly string[]).includes(name));
  if (unknown.length > 0) throw new Error(`unknown target(s) ${unknown.join(', ')}; known: ${TARGETS.join(', ')}`);
  return TARGETS.filter((target) => target === 'gateway' || names.includes(target));
}

function folder(flag: string, value: string | undefined): string {
  if (!value) throw new Error(`${flag} needs a folder\n${USAGE}`);
  return resolve(value);
}

export function parseBenchArgs(argv: readonly string[]): BenchOptions {
  const options = defaultBenchOptions();
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i] as string;
    if (flag === '--report-only') {
      options.reportOnly = true;
      continue;
    }
    const value = argv[(i += 1)];
    const numeric = NUMERIC_OPTIONS[flag];
    if (numeric) {
      const [key, min, max] = numeric;
      options[key] = wholeNumber(flag, value, min, max);
    } else if (flag === '--sizes') {
      options.sizes = (value ?? '').split(',').map((part) => wholeNumber('--sizes', part.trim(), 0, 1_000_000));
    } else if (flag === '--operations') {
      options.operations = operationNames(value);
    } else if (flag === '--targets') {
      options.targets = targetNames(value);
    } else if (flag === '--out') {
      options.outDir = folder(flag, value);
    } else if (flag === '--profile') {
      options.profileDir = folder(flag, value);
    } else {
      throw new Error(`unknown option ${flag}\n${USAGE}`);
    }
  }
  return options;
}
