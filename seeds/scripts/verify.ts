import { resolve } from 'node:path';
import { projectPath } from '../../src/platform/paths';
import { readSeedData } from '../../src/subgraphs/catalogue/seed/load';
import { verifySeedSources } from '../verify';

/**
 * `npm run seeds:verify -- <folder>`: checks every text field in seeds/data
 * against the source .txt files in <folder> (default seeds/sources), whole word
 * by whole word, and re-derives every deadline's date range from its text.
 */
const folder = resolve(process.argv[2] ?? projectPath('seeds', 'sources'));
const report = verifySeedSources(readSeedData(), folder);
process.stdout.write(
  `Checked ${report.checked} texts against ${folder}: ${report.exact} verbatim, ${report.joined} joined across lines or columns; ` +
    `re-derived ${report.dates} deadline ranges; ${report.problems.length} problem(s).\n`,
);
if (report.problems.length > 0) {
  process.stdout.write(`- ${report.problems.join('\n- ')}\n`);
  process.exit(1);
}
