/** The shape of bench/results.json: everything RESULTS.md and the chart are drawn from. */
import type { Growth } from './operations';

/** The three targets, in the order each operation runs against them. */
export type Variant = 'shipped' | 'naive' | 'rest';
// The naive variant last: when it is cut off mid-request, the wait for the database to settle comes before the next operation.
export const VARIANTS: readonly Variant[] = ['shipped', 'rest', 'naive'];

export interface Measurement {
  operation: string;
  variant: Variant;
  /** `load`: autocannon at `connections` for `durationSeconds`; `single`: one timed request (too slow to load). */
  mode: 'load' | 'single';
  requests: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Transport errors, timeouts and non-2xx answers under load. */
  errors: number;
  /** Database commands one request sent (counted by the target's driver). */
  databaseCommands: number;
  /** The response's data equals the shipped gateway's on the check request. */
  sameJsonAsShipped: boolean;
  /** Citizen operations: calls the population stub received for one request. */
  upstreamCalls?: number;
  /** Why a variant was not measured or was measured only once. */
  note?: string;
}

export interface SizeResult {
  /** Services in the catalogue (curated + synthetic). */
  services: number;
  milestones: number;
  directives: number;
  label: string;
  database: string;
  loadSeconds: number | null;
  /** Set when this size was measured by a separate `npm run bench` invocation and merged in: its command line and date. */
  invocation?: string;
  measurements: Measurement[];
  skipped: Array<{ operation: string; variant: Variant; reason: string }>;
}

export interface BenchResults {
  date: string;
  machine: { cpus: number; cpuModel: string; memoryGiB: number; node: string; platform: string };
  database: { kind: string; version: string };
  settings: { connections: number; durationSeconds: number; loadMaxSeconds: number; stubLatencyMs: number; upstreamBatchLimit: number; seed: number };
  operations: Array<{ name: string; description: string; growth: Growth; nested: boolean }>;
  sizes: SizeResult[];
}
