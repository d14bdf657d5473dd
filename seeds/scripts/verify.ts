import { resolve } from 'node:path';
import { projectPath } from '../../src/platform/paths';
import { readSeedData } from '../../src/subgraphs/catalogue/seed/load';
import { verifySeedSources } from '../verify';

/**
 * `npm run seeds:verify -- <folder>`: checks every name and citation in
 * seeds/data against the source .txt files in <folder> (default seeds/sources).
 */
const folder = resolve(process.argv[2] ?? projectPath('seeds', 'sources'));
const report = verifySeedSources(readSeedData(), folder);
process.stdout.write(`Checked ${report.checked} texts against ${folder}: ${report.exact} verbatim, ${report.joined} joined across lines or columns, ${report.problems.length} not found.\n`);
if (report.problems.length > 0) {
  process.stdout.write(`- ${report.problems.join('\n- ')}\n`);
  process.exit(1);
}
