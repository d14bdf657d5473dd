/** One size of the benchmark: every operation against every target, one measurement at a time. */
import { isDeepStrictEqual } from 'node:util';
import type { Db } from 'mongodb';
import type { DatabaseActivity } from './commands';
import { endpointFor, type Endpoint, type EndpointContext } from './endpoints';
import { checkRequest, underLoad, type CheckResult } from './load';
import type { BenchOperation } from './operations';
import type { Measurement, SizeResult, TargetName } from './results';
import type { RunningTargets } from './targets';

export interface MeasureSettings {
  targets: readonly TargetName[];
  connections: number;
  durationSeconds: number;
  loadMaxSeconds: number;
  budgetSeconds: number;
  flatTimeoutSeconds: number;
  compareMaxServices: number;
}

export interface SizeRun {
  settings: MeasureSettings;
  db: Db;
  /** Services in the catalogue under test. */
  services: number;
  /** Synthetic services asked for (0: the curated data alone). */
  syntheticServices: number;
  context: EndpointContext;
  stubUrl: string;
  stubAdminToken: string;
  /** Starts the targets again after a request was abandoned (it may still be running there). */
  restartTargets(): Promise<RunningTargets>;
  previous: SizeResult | undefined;
  log(line: string): void;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function activity(url: string): Promise<DatabaseActivity> {
  return (await (await fetch(url)).json()) as DatabaseActivity;
}

async function upstreamCalls(run: SizeRun): Promise<number> {
  const response = await fetch(new URL('/admin/stats', run.stubUrl), { headers: { 'x-admin-token': run.stubAdminToken } });
  const stats = (await response.json()) as { byEndpoint: Record<string, number> };
  return Object.values(stats.byEndpoint).reduce((sum, n) => sum + n, 0);
}

/**
 * Waits until no database command is running behind any target and none was
 * sent for a while: when the load stops, requests a target already accepted
 * keep running (resolvers cannot be aborted), and they must not weigh on the
 * next measurement.
 */
async function settle(targets: RunningTargets): Promise<void> {
  const urls = [targets.shipped.commands, targets.naive.commands, targets.rest.commands];
  let last = await Promise.all(urls.map(activity));
  for (let quiet = 0; quiet < 3;) {
    await sleep(150);
    const now = await Promise.all(urls.map(activity));
    quiet = now.every((a, i) => a.running === 0 && a.commands === last[i]?.commands) ? quiet + 1 : 0;
    last = now;
  }
}

/**
 * Waits until the database answers a primary-key lookup quickly three times in
 * a row: after a target is stopped mid-request, the database may still be
 * running the scans it had started for it.
 */
async function waitForIdleDatabase(db: Db): Promise<void> {
  const deadline = Date.now() + 15 * 60_000;
  for (let fast = 0; fast < 3 && Date.now() < deadline;) {
    const started = performance.now();
    await db.collection<{ _id: string }>('provinces').findOne({ _id: '34:01' });
    fast = performance.now() - started < 50 ? fast + 1 : 0;
    await sleep(500);
  }
}

/** Why `target` is not measured on `op` at this size, or undefined when it is. */
function reasonToSkip(run: SizeRun, target: TargetName, op: BenchOperation): string | undefined {
  const { settings, previous } = run;
  if (target !== 'gateway' && run.services > settings.compareMaxServices) {
    return `the other targets run up to ${settings.compareMaxServices.toLocaleString('en')} services (--compare-max-services)`;
  }
  const before = previous?.measurements.find((m) => m.operation === op.name && m.target === target);
  if (!before || !previous || previous.services === 0 || alwaysRuns(target, op)) return undefined;
  const projectedMs = (before.p50Ms * run.services) / previous.services;
  if (projectedMs <= settings.budgetSeconds * 1000) return undefined;
  return (
    `one request took ${(before.p50Ms / 1000).toFixed(1)} s at ${previous.services.toLocaleString('en')} services; ` +
    `linear growth would mean ${(projectedMs / 1000).toFixed(0)} s here, over --budget-seconds ${settings.budgetSeconds}`
  );
}

/** The gateway's flat operations always run: whether they stay flat is what the large sizes are for. */
function alwaysRuns(target: TargetName, op: BenchOperation): boolean {
  return target === 'gateway' && op.growth === 'flat';
}

type Timing = Pick<Measurement, 'mode' | 'requests' | 'requestsPerSecond' | 'p50Ms' | 'p99Ms' | 'errors' | 'note' | 'databaseCommandsUnderLoad'>;

/**
 * Under load, unless the check request was too slow for that; then its one
 * time is the measurement. The database commands sent during the load (and by
 * the requests still running when it stopped) are counted too: fewer per
 * request than the check request sent means writes were grouped across
 * concurrent requests (the audit trail's writer does so).
 */
async function timing(run: SizeRun, endpoint: Endpoint, check: CheckResult): Promise<Timing> {
  const { settings } = run;
  const single = (note: string, errors = 0): Timing => ({ mode: 'single', requests: 1, requestsPerSecond: 1000 / check.ms, p50Ms: check.ms, p99Ms: check.ms, errors, note });
  if (check.ms > settings.loadMaxSeconds * 1000) return single(`one request took ${(check.ms / 1000).toFixed(1)} s: not put under load`);
  const before = (await activity(endpoint.commandsUrl)).commands;
  const loaded = await underLoad(endpoint.request, { connections: settings.connections, durationSeconds: settings.durationSeconds, timeoutSeconds: settings.loadMaxSeconds * 20 });
  await settle(run.context.targets);
  const sent = (await activity(endpoint.commandsUrl)).commands - before;
  if (loaded.requests === 0) return single(`no request completed within ${settings.durationSeconds} s of load`, loaded.errors);
  return { mode: 'load', ...loaded, databaseCommandsUnderLoad: Math.round((sent / loaded.requests) * 100) / 100 };
}

interface Outcome {
  measurement?: Measurement;
  skipped?: string;
  /** The gateway's answer, the reference every other target's JSON is compared with. */
  data?: unknown;
  /** The check request was abandoned: the targets must be started again. */
  abandoned?: boolean;
}

/** One operation on one target: the check request (JSON, commands, upstream calls), then the load. */
async function measureOne(run: SizeRun, target: TargetName, op: BenchOperation, gatewayData: unknown): Promise<Outcome> {
  const endpoint = endpointFor(target, op, run.context);
  if (typeof endpoint === 'string') return { skipped: endpoint };
  const skip = reasonToSkip(run, target, op);
  if (skip) return { skipped: skip };
  await settle(run.context.targets);
  const commandsBefore = (await activity(endpoint.commandsUrl)).commands;
  const callsBefore = op.citizenIds ? await upstreamCalls(run) : 0;
  const timeoutSeconds = alwaysRuns(target, op) ? run.settings.flatTimeoutSeconds : run.settings.budgetSeconds;
  const check = await checkRequest(endpoint.request, endpoint.rest, timeoutSeconds * 1000);
  if (check.problem) return { skipped: `the check request failed after ${(check.ms / 1000).toFixed(1)} s: ${check.problem}`, abandoned: true };
  const databaseCommands = (await activity(endpoint.commandsUrl)).commands - commandsBefore;
  const calls = op.citizenIds ? (await upstreamCalls(run)) - callsBefore : undefined;
  const reference = target === 'gateway' ? check.data : gatewayData;
  const measured = await timing(run, endpoint, check);
  const measurement: Measurement = {
    operation: op.name,
    target,
    ...measured,
    databaseCommands,
    sameJsonAsGateway: isDeepStrictEqual(check.data, reference),
    ...(calls === undefined ? {} : { upstreamCalls: calls }),
  };
  return { measurement, data: check.data };
}

function logMeasurement(run: SizeRun, m: Measurement): void {
  run.log(
    `  ${m.operation.padEnd(18)} ${m.target.padEnd(8)} ${m.mode.padEnd(6)} ${m.requestsPerSecond.toFixed(1).padStart(8)} req/s  p50 ${m.p50Ms.toFixed(1)} ms  p99 ${m.p99Ms.toFixed(1)} ms  ` +
      `errors ${m.errors}  db ${m.databaseCommands}${m.databaseCommandsUnderLoad === undefined ? '' : ` (${m.databaseCommandsUnderLoad} under load)`}${m.upstreamCalls === undefined ? '' : `  upstream ${m.upstreamCalls}`}${m.sameJsonAsGateway ? '' : '  JSON DIFFERS'}`,
  );
}

/** Every operation against every target; the gateway first, so the others' JSON is compared with its. */
export async function measureOperations(run: SizeRun, operations: readonly BenchOperation[], result: SizeResult): Promise<void> {
  for (const op of operations) {
    let gatewayData: unknown;
    for (const target of run.settings.targets) {
      const outcome = await measureOne(run, target, op, gatewayData);
      if (target === 'gateway') gatewayData = outcome.data;
      if (outcome.measurement) {
        result.measurements.push(outcome.measurement);
        logMeasurement(run, outcome.measurement);
      }
      if (outcome.skipped) {
        result.skipped.push({ operation: op.name, target, reason: outcome.skipped });
        run.log(`  ${op.name} ${target}: skipped (${outcome.skipped})`);
      }
      if (outcome.abandoned) {
        await run.context.targets.stop();
        await waitForIdleDatabase(run.db);
        run.context.targets = await run.restartTargets();
      }
    }
  }
}
