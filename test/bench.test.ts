/**
 * The benchmark harness end to end, small: the curated catalogue and a 50-service
 * synthetic one, every operation against the three targets in their own
 * processes, one second of load each. Checks what the harness reports, not speed.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { MongoClient } from 'mongodb';
import { parseBenchArgs, runBench } from '../bench/run';
import type { BenchResults, Measurement } from '../bench/results';
import { OPERATIONS } from '../bench/operations';
import { testDatabaseUri } from './support/database';

jest.setTimeout(600_000);

// citizens-1000 is left out: its batching is citizens-100's times ten (test/population.test.ts covers the connector),
// and its naive variant sends 1,000 concurrent upstream calls and audit writes, which a loaded CI machine may not finish.
const MEASURED = OPERATIONS.filter((op) => op.name !== 'citizens-1000');

const built = existsSync(resolve(__dirname, '..', 'dist', 'bench', 'server.js'));
const PREFIX = `benchtest_${process.pid}_`;

(built ? describe : describe.skip)('npm run bench (small)', () => {
  let outDir: string;
  let results: BenchResults;

  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'bench-test-'));
    results = await runBench({
      ...parseBenchArgs([
        '--sizes',
        '0,50',
        '--duration',
        '1',
        '--budget-seconds',
        '900',
        '--connections',
        '2',
        '--out',
        outDir,
        '--operations',
        MEASURED.map((op) => op.name).join(','),
      ]),
      databasePrefix: PREFIX,
      mongoUri: testDatabaseUri(),
    });
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

  const measured = (size: number, operation: string, variant: string): Measurement | undefined =>
    results.sizes[size]?.measurements.find((m) => m.operation === operation && m.variant === variant);

  it('measures every operation on every target, with the same JSON everywhere and no errors', () => {
    expect(results.sizes.map((s) => s.label)).toEqual(['curated', '50 synthetic']);
    expect(results.sizes[1]?.services).toBe(results.sizes[0]!.services + 50);
    for (const size of results.sizes) {
      // The only thing not measured: the REST floor of citizen lookups, which has none.
      expect(size.skipped.map((s) => `${s.operation}/${s.variant}`)).toEqual(['citizens-100/rest']);
      expect(size.measurements).toHaveLength(MEASURED.length * 3 - 1);
      for (const m of size.measurements) {
        expect({ op: m.operation, variant: m.variant, same: m.sameJsonAsShipped, errors: m.errors }).toEqual({ op: m.operation, variant: m.variant, same: true, errors: 0 });
        expect(m.requests).toBeGreaterThan(0);
        expect(m.p99Ms).toBeGreaterThanOrEqual(m.p50Ms);
      }
    }
  });

  it('counts database commands: batching keeps nested operations to a few, the naive variant sends one per field', () => {
    for (const size of [0, 1]) {
      const shipped = measured(size, 'directive', 'shipped')?.databaseCommands ?? 0;
      const naive = measured(size, 'directive', 'naive')?.databaseCommands ?? 0;
      expect(shipped).toBeGreaterThan(0);
      expect(shipped).toBeLessThanOrEqual(6);
      expect(naive).toBeGreaterThan(shipped * 5);
    }
    // Independent of result size: no more commands on the synthetic catalogue (whose sample directive has
    // three times the curated one's rows) than on the curated one. The curated timeline needs one lookup
    // more: its lead agency was reorganised in 2025 (Agency.currentAgencies), which the synthetic sample's was not.
    for (const op of MEASURED.filter((o) => o.growth !== 'upstream')) {
      expect(measured(1, op.name, 'shipped')?.databaseCommands).toBeLessThanOrEqual(measured(0, op.name, 'shipped')?.databaseCommands ?? 0);
    }
  });

  it('counts upstream calls for citizen lookups: 100 IDs in batches of 50', () => {
    expect(measured(0, 'citizens-100', 'shipped')?.upstreamCalls).toBe(2);
    // Without DataLoader each ID is its own upstream call.
    expect(measured(0, 'citizens-100', 'naive')?.upstreamCalls).toBe(100);
  });

  it('writes RESULTS.md, results.json and the chart', async () => {
    const markdown = await readFile(join(outDir, 'RESULTS.md'), 'utf8');
    expect(markdown).toContain('## Targets');
    expect(markdown).toContain('| directive | shipped | load |');
    expect(JSON.parse(await readFile(join(outDir, 'results.json'), 'utf8'))).toEqual(results);
    const svg = await readFile(join(outDir, 'latency-vs-size.svg'), 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<path /g)?.length).toBe(MEASURED.length * 3 - 1);
  });

  it('refuses unknown options and operations', () => {
    expect(() => parseBenchArgs(['--sizes', 'x'])).toThrow(/--sizes must be a whole number/);
    expect(() => parseBenchArgs(['--operations', 'nope'])).toThrow(/unknown operation/);
    expect(() => parseBenchArgs(['--frobnicate', '1'])).toThrow(/unknown option/);
  });
});
