/**
 * The benchmark harness end to end, small: three operations against every
 * target in their own processes (dist/, built by `npm test`) on the curated
 * catalogue, and against our gateway alone on a 50-service synthetic one (for
 * command counts by size), one second of load each. Checks what the harness
 * reports, never speed.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { parseBenchArgs, runBench } from '../../bench/run';
import { TARGETS, type BenchResults, type Measurement, type TargetName } from '../../bench/results';
import { testDatabaseUri } from '../support/database';
import { REDIS_SERVER } from '../support/redis';

jest.setTimeout(240_000);

/** A flat primary-key read, a nested list (where batching matters) and a citizen batch (upstream calls). */
const MEASURED = ['agency', 'service-timeline', 'citizens-100'];
const PREFIX = `benchtest_${process.pid}_`;

describe('npm run bench (small)', () => {
  let outDir: string;
  let results: BenchResults;

  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'bench-test-'));
    // The curated catalogue has 123 services, the synthetic one 173: only the first is compared across targets.
    const args = [
      '--sizes',
      '0,50',
      '--compare-max-services',
      '150',
      '--duration',
      '1',
      '--connections',
      '2',
      '--load-max-seconds',
      '2',
      '--out',
      outDir,
      '--operations',
      MEASURED.join(','),
    ];
    results = await runBench({ ...parseBenchArgs(args), databasePrefix: PREFIX, mongoUri: testDatabaseUri() });
  });

  afterAll(async () => {
    await rm(outDir, { recursive: true, force: true });
    const client = new MongoClient(testDatabaseUri());
    for (const size of results?.sizes ?? [])
      await client
        .db(size.database)
        .dropDatabase()
        .catch(() => undefined);
    await client.close();
  });

  const measured = (size: number, operation: string, target: TargetName): Measurement | undefined =>
    results.sizes[size]?.measurements.find((m) => m.operation === operation && m.target === target);

  it('measures every operation on every target, with the same JSON as the gateway everywhere and no errors', () => {
    expect(results.sizes.map((s) => s.label)).toEqual(['curated', '50 synthetic']);
    expect(results.sizes[1]?.services).toBe((results.sizes[0]?.services ?? 0) + 50);
    // The only thing not measured on the curated data: the REST floor of citizen lookups, which has none.
    expect(results.sizes[0]?.skipped.map((s) => `${s.operation}/${s.target}`)).toEqual(['citizens-100/rest']);
    expect(results.sizes[0]?.measurements).toHaveLength(MEASURED.length * TARGETS.length - 1);
    // Above --compare-max-services, our gateway alone.
    expect(results.sizes[1]?.measurements.map((m) => m.target)).toEqual(MEASURED.map(() => 'gateway'));
    for (const m of results.sizes.flatMap((size) => size.measurements)) {
      expect({ op: m.operation, target: m.target, same: m.sameJsonAsGateway, errors: m.errors }).toEqual({ op: m.operation, target: m.target, same: true, errors: 0 });
      expect(m.requests).toBeGreaterThan(0);
      expect(m.p99Ms).toBeGreaterThanOrEqual(m.p50Ms);
    }
  });

  it('counts database commands: the same few at both sizes, one per field and key without batching', () => {
    const subgraph = measured(0, 'service-timeline', 'subgraph')?.databaseCommands ?? 0;
    expect(subgraph).toBeGreaterThan(1);
    expect(measured(0, 'service-timeline', 'apollo')?.databaseCommands).toBe(subgraph);
    // Our gateway may send more: its query planner fetches part of a service's timeline again through `_entities`.
    expect(measured(0, 'service-timeline', 'gateway')?.databaseCommands).toBeGreaterThanOrEqual(subgraph);
    // Hive Gateway alone is the same engine without our edge: the same plan, the same commands.
    expect(measured(0, 'service-timeline', 'hive')?.databaseCommands).toBe(measured(0, 'service-timeline', 'gateway')?.databaseCommands);
    expect(measured(0, 'service-timeline', 'naive')?.databaseCommands).toBeGreaterThan(measured(0, 'service-timeline', 'gateway')?.databaseCommands ?? 0);
    // Independent of result size: no more commands on the synthetic catalogue than on the curated one.
    expect(measured(0, 'agency', 'gateway')?.databaseCommands).toBe(1);
    expect(measured(1, 'agency', 'gateway')?.databaseCommands).toBe(1);
    expect(measured(1, 'service-timeline', 'gateway')?.databaseCommands).toBeLessThanOrEqual(measured(0, 'service-timeline', 'gateway')?.databaseCommands ?? 0);
  });

  it('counts upstream calls and audit writes for citizen lookups: 100 IDs in batches of 50', () => {
    for (const target of ['gateway', 'subgraph', 'hive', 'apollo'] as const) {
      // One audit write per batch, or one for both when the second batch's entries arrive while the first's are being written;
      // and one more when the trail's writer signs a checkpoint meanwhile (every AUDIT_CHECKPOINT_ENTRIES entries, 1,000:
      // the loads before this check request wrote thousands).
      expect(measured(0, 'citizens-100', target)?.upstreamCalls).toBe(2);
      expect([1, 2, 3]).toContain(measured(0, 'citizens-100', target)?.databaseCommands);
    }
    // Without DataLoader each ID is its own upstream call and its own audit append; the trail's writer
    // stores the appends that arrive while a write is in flight together, so they take fewer writes.
    const naive = measured(0, 'citizens-100', 'naive');
    expect(naive?.upstreamCalls).toBe(100);
    expect(naive?.databaseCommands).toBeGreaterThan(2);
    expect(naive?.databaseCommands).toBeLessThanOrEqual(100);
  });

  it('measures the catalogue operations from the response cache, with Redis uncached and without Redis (#13)', () => {
    if (!REDIS_SERVER) {
      expect(results.sharedState?.skipped).toMatch(/redis-server/);
      return;
    }
    const state = results.sharedState;
    expect(state?.skipped).toBeUndefined();
    expect(state?.operations.map((t) => t.operation)).toEqual(['service-timeline', 'agency']);
    for (const timing of state?.operations ?? []) {
      // The cached gateway really served from its cache: a miss, then a hit.
      expect(timing.xCache).toEqual(['miss', 'hit']);
      for (const load of [timing.noRedis, timing.redisUncached, timing.cached]) {
        expect(load.requests).toBeGreaterThan(0);
        expect(load.errors).toBe(0);
      }
    }
    // The edge's floor, { __typename }, on the gateway without Redis and on the cached one.
    for (const load of [state?.floor?.noRedis, state?.floor?.cached]) {
      expect(load?.requests).toBeGreaterThan(0);
      expect(load?.errors).toBe(0);
    }
  });

  it("checks the catalogue's recorded reads against its indexes (#13)", () => {
    const coverage = results.indexCoverage;
    expect(coverage?.shapes).toBeGreaterThan(0);
    expect(coverage?.unserved).toEqual([]);
    expect((coverage?.served ?? 0) + (coverage?.allowed.length ?? 0)).toBe(coverage?.shapes);
  });

  it('writes RESULTS.md, results.json and the chart', async () => {
    const markdown = await readFile(join(outDir, 'RESULTS.md'), 'utf8');
    expect(markdown).toContain('## Targets');
    expect(markdown).toContain('| agency | our gateway | load |');
    expect(markdown).toContain('| agency | Hive Gateway alone | load |');
    expect(markdown).toContain('| agency | @apollo/gateway | load |');
    expect(markdown).toContain("## Where our gateway's time goes");
    expect(markdown).toContain(`query shapes: ${results.indexCoverage?.shapes}, served by an index: ${results.indexCoverage?.served}`);
    expect(markdown).toContain('## Response cache and Redis');
    expect(markdown).toContain('The floor of a request through our gateway, `{ __typename }`');
    expect(JSON.parse(await readFile(join(outDir, 'results.json'), 'utf8'))).toEqual(results);
    const svg = await readFile(join(outDir, 'latency-vs-size.svg'), 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    // One line per operation and target measured at either size.
    expect(svg.match(/<path /g)?.length).toBe(MEASURED.length * TARGETS.length - 1);
  });

  it('refuses unknown options, operations and targets', () => {
    expect(() => parseBenchArgs(['--sizes', 'x'])).toThrow(/--sizes must be a whole number/);
    expect(() => parseBenchArgs(['--operations', 'nope'])).toThrow(/unknown operation/);
    expect(() => parseBenchArgs(['--targets', 'nginx'])).toThrow(/unknown target/);
    expect(() => parseBenchArgs(['--frobnicate', '1'])).toThrow(/unknown option/);
    expect(parseBenchArgs(['--targets', 'naive']).targets).toEqual(['gateway', 'naive']);
  });
});
