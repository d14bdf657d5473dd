import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { describeShape } from '../../src/platform/db/command-shape';
import { describeUnserved } from '../../src/platform/db/index-coverage';
import { catalogueIndexCoverageOfFile } from '../../src/subgraphs/catalogue/index-coverage';

/** Where the integration run records the catalogue's reads (kept after the run for inspection). */
export const RECORDING_FILE = resolve(__dirname, '..', '..', 'test-artifacts', 'catalogue-reads.jsonl');
/** The verdict on every shape, written after the run. */
export const VERDICTS_FILE = resolve(__dirname, '..', '..', 'test-artifacts', 'index-coverage.txt');

/** Starts an empty recording and hands its path to every worker and spawned gateway (DVC_RECORD_COMMANDS). */
export function startRecording(): void {
  mkdirSync(dirname(RECORDING_FILE), { recursive: true });
  writeFileSync(RECORDING_FILE, '');
  process.env.DVC_RECORD_COMMANDS = RECORDING_FILE;
}

/** The recording setting for a stack's environment (test/support/stack.ts, plain-gateway.ts, gateway-process.ts). */
export function recordingEnv(): Record<string, string> {
  return process.env.DVC_RECORD_COMMANDS ? { DVC_RECORD_COMMANDS: process.env.DVC_RECORD_COMMANDS } : {};
}

/**
 * After every test file ran: each recorded catalogue read must be served by
 * an index (CATALOGUE_INDEXES) or be on CATALOGUE_UNINDEXED_READS. Throws,
 * which fails the jest run, naming each shape and the index it lacks.
 */
export function checkRecordedReads(): void {
  const report = catalogueIndexCoverageOfFile(RECORDING_FILE);
  const lines = report.verdicts.map(
    (v) =>
      `${v.index ? `served by ${v.index}` : report.allowed.some((a) => a.shape === v.shape) ? 'ALLOWED unserved' : 'NOT SERVED'}: ${describeShape(v.shape)}${v.lacks ? ` — lacks ${v.lacks}` : v.why ? ` — ${v.why}` : ''}`,
  );
  writeFileSync(VERDICTS_FILE, `query shapes: ${report.shapes}, served by an index: ${report.served}, allowed unserved: ${report.allowed.length}\n${lines.sort().join('\n')}\n`);
  process.stdout.write(
    `\nIndex coverage of the catalogue's reads: query shapes: ${report.shapes}, served by an index: ${report.served}, allowed without one: ${report.allowed.length} (${VERDICTS_FILE})\n`,
  );
  if (report.unserved.length > 0) throw new Error(`Index coverage: ${report.unserved.length} catalogue read shape(s) served by no index:\n${describeUnserved(report)}`);
}
