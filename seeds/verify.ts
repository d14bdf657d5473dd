import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SeedData } from '../src/subgraphs/catalogue/seed/load';
import type { SeedSource } from '../src/subgraphs/catalogue/seed/schema';

/**
 * Text as compared: NFC, stray HTML and markdown emphasis removed, words that
 * the extraction broke after a hyphen ("309/QĐ-\nBTP") rejoined, whitespace collapsed.
 */
function normalise(text: string): string {
  return text
    .normalize('NFC')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\*+/g, '')
    .replace(/-[ \t]*\n\s*/g, '-')
    .replace(/\s+/g, ' ')
    .trim();
}

/** How a text was found in its source. */
export type Match = 'exact' | 'joined';

export interface VerifyReport {
  checked: number;
  exact: number;
  /** Found word by word, in order, within the cited lines: rows split across lines, columns or page breaks. */
  joined: number;
  problems: string[];
}

interface Check {
  label: string;
  text: string;
  source: SeedSource;
  corrections: Array<{ printed: string; corrected: string }>;
}

/** Lines a source cites, widened by `margin` on each side (cells often start a line early or end late). */
function window(lines: string[], ranges: string, margin: number): string {
  return normalise(
    ranges
      .split(',')
      .map((range) => {
        const [from = 1, to = from] = range.split('-').map(Number);
        return lines.slice(Math.max(0, from - 1 - margin), to + margin).join('\n');
      })
      .join('\n'),
  );
}

function findIn(haystack: string, needle: string): Match | undefined {
  if (haystack.includes(needle)) return 'exact';
  let position = 0;
  for (const word of needle.split(/[\s/]+/).filter(Boolean)) {
    const at = haystack.indexOf(word, position);
    if (at < 0) return undefined;
    position = at + word.length;
  }
  return 'joined';
}

/**
 * Checks every milestone name, service name, citation and task against the
 * source text it cites: the text (with its recorded corrections undone) must
 * appear in the cited lines, verbatim or word by word in order.
 */
export function verifySeedSources(data: SeedData, sourceDir: string, margin = 3): VerifyReport {
  const files = new Map<string, string[] | null>();
  const linesOf = (file: string): string[] | null => {
    if (!files.has(file)) {
      const path = join(sourceDir, file);
      files.set(file, existsSync(path) ? readFileSync(path, 'utf8').split('\n') : null);
    }
    return files.get(file) ?? null;
  };

  const checks: Check[] = [];
  const milestonesByService = new Map<string, typeof data.milestones>();
  for (const m of data.milestones) {
    checks.push({ label: `milestone ${m.id} name`, text: m.nameAsPrinted, source: m.source, corrections: m.corrections ?? [] });
    milestonesByService.set(m.serviceId, [...(milestonesByService.get(m.serviceId) ?? []), m]);
  }
  for (const d of data.directives) {
    for (const c of d.cites) checks.push({ label: `directive ${d.id} cites ${c.directiveId}`, text: c.context, source: c.source, corrections: d.corrections ?? [] });
    for (const c of d.citedAs ?? []) checks.push({ label: `directive ${d.id} cited by ${c.byDirectiveId}`, text: c.text, source: c.source, corrections: [] });
  }

  const report: VerifyReport = { checked: 0, exact: 0, joined: 0, problems: [] };
  const run = (check: Check): Match | undefined => {
    const lines = linesOf(check.source.file);
    if (!lines) {
      report.problems.push(`${check.label}: source file ${check.source.file} not found in ${sourceDir}`);
      return undefined;
    }
    if (!check.source.lines) {
      report.problems.push(`${check.label}: source names no lines`);
      return undefined;
    }
    let printed = normalise(check.text);
    for (const c of check.corrections) if (c.corrected) printed = printed.split(normalise(c.corrected)).join(normalise(c.printed));
    return findIn(window(lines, check.source.lines, margin), printed);
  };
  const tally = (check: Check, match: Match | undefined): void => {
    report.checked += 1;
    if (match === 'exact') report.exact += 1;
    else if (match === 'joined') report.joined += 1;
    else if (!report.problems.some((p) => p.startsWith(check.label))) {
      report.problems.push(`${check.label}: "${normalise(check.text).slice(0, 90)}" not found in ${check.source.file}:${check.source.lines}`);
    }
  };
  for (const check of checks) tally(check, run(check));

  // A service's canonical name must be printed in the row of at least one of its milestones.
  for (const s of data.services) {
    const rows = milestonesByService.get(s.id) ?? [];
    const matches = rows.map((m) => run({ label: `service ${s.id} name`, text: s.name, source: m.source, corrections: m.corrections ?? [] }));
    const best = matches.includes('exact') ? 'exact' : matches.includes('joined') ? 'joined' : undefined;
    if (rows.length === 0) report.problems.push(`service ${s.id}: no milestone refers to it`);
    else tally({ label: `service ${s.id} name`, text: s.name, source: rows[0]!.source, corrections: [] }, best);
  }
  return report;
}
