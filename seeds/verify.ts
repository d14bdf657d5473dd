import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deadlineRange, isCarriedOver } from './deadline';
import type { SeedData } from '../src/subgraphs/catalogue/seed/load';
import type { SeedDirective, SeedDue, SeedMilestone, SeedSource } from '../src/subgraphs/catalogue/seed/schema';

/** How a text was found in its source. */
export type Match = 'exact' | 'joined';

export interface VerifyReport {
  /** Text fields looked for in the source lines they cite. */
  checked: number;
  /** Found as one run of whole words (wrapped lines count as one run). */
  exact: number;
  /** Found in pieces, each a run of whole words, each piece on a later line than the last: rows split across lines, columns or page breaks. */
  joined: number;
  /** Deadline ranges re-derived from their printed text. */
  dates: number;
  /** "<record> <field>: <what is wrong>", e.g. `milestone 406/QĐ-TTg#07 leadText: "…" not found in 003_….txt:156`. */
  problems: string[];
}

type Correction = { printed: string; corrected: string };

/** Where a text may be printed: a file, its cited lines ("" when the record cites none; unset: anywhere in the file), and the slips fixed in the record. */
interface Place {
  file: string;
  lines?: string;
  corrections: Correction[];
}

/** One text field of one record, to be found as printed in any of its places. */
interface TextCheck {
  record: string;
  field: string;
  text: string;
  places: Place[];
}

/** A word of a source: `line` orders the lines of one window. */
interface Token {
  word: string;
  line: number;
}

/**
 * Whole words, Unicode-aware (letters, marks and digits), and every other
 * non-space character on its own: "an" is never found inside "Toàn", and a
 * changed comma or dash is a changed word.
 */
const WORD = /[\p{L}\p{M}\p{N}]+|[^\s\p{L}\p{M}\p{N}]/gu;

/** Text as compared: NFC, stray HTML tags and markdown emphasis dropped. */
function wordsOf(text: string): string[] {
  return (
    text
      .normalize('NFC')
      .replace(/<[^>]+>/g, ' ')
      .replace(/\*+/g, ' ')
      .match(WORD) ?? []
  );
}

/** Whole-word runs: the needle as consecutive words of the haystack. */
function containsRun(haystack: Token[], needle: string[]): boolean {
  const SEP = '\u0000';
  return `${SEP}${haystack.map((t) => t.word).join(SEP)}${SEP}`.includes(`${SEP}${needle.join(SEP)}${SEP}`);
}

/**
 * The needle as pieces of consecutive words, each later piece starting on a
 * later line than the previous piece ended (a cell continued after other cells
 * or a page break). `ends` holds every position a matched prefix can end at.
 */
function containsAcrossLines(haystack: Token[], needle: string[]): boolean {
  let ends = haystack.flatMap((t, i) => (t.word === needle[0] ? [i + 1] : []));
  for (const word of needle.slice(1)) {
    if (ends.length === 0) return false;
    const earliestLine = Math.min(...ends.map((end) => (haystack[end - 1] as Token).line));
    const next = new Set<number>();
    for (const end of ends) if (haystack[end]?.word === word) next.add(end + 1);
    haystack.forEach((t, i) => {
      if (t.word === word && t.line > earliestLine) next.add(i + 1);
    });
    ends = [...next];
  }
  return ends.length > 0;
}

function findWords(haystack: Token[], needle: string[]): Match | undefined {
  if (needle.length === 0) return undefined;
  if (containsRun(haystack, needle)) return 'exact';
  return containsAcrossLines(haystack, needle) ? 'joined' : undefined;
}

/** The words of a place's window, or why there is none. */
type WindowOf = (place: Place) => Token[] | string;

/** Reads each source file once; a window is the cited lines widened by `margin` (cells often start a line early or end late). */
function sourceReader(sourceDir: string, margin: number): WindowOf {
  const files = new Map<string, Token[][] | null>();
  const linesOf = (file: string): Token[][] | null => {
    if (!files.has(file)) {
      const path = join(sourceDir, file);
      files.set(
        file,
        existsSync(path)
          ? readFileSync(path, 'utf8')
              .split('\n')
              .map((line, i) => wordsOf(line).map((word) => ({ word, line: i })))
          : null,
      );
    }
    return files.get(file) ?? null;
  };
  return (place) => {
    const lines = linesOf(place.file);
    if (!lines) return `source file ${place.file} not found in ${sourceDir}`;
    if (place.lines === undefined) return lines.flat();
    if (place.lines === '') return 'its source names no lines';
    const window: Token[][] = [];
    for (const range of place.lines.split(',')) {
      const [from = 1, to = from] = range.split('-').map(Number);
      if (from < 1 || to > lines.length || from > to) return `lines ${range} are not in ${place.file} (${lines.length} lines)`;
      window.push(...lines.slice(Math.max(0, from - 1 - margin), to + margin));
    }
    // Lines renumbered in window order, so that ranges listed out of file order still read forwards.
    return window.flatMap((line, index) => line.map((t) => ({ word: t.word, line: index })));
  };
}

/** The text as it was printed: slips fixed in the record put back. */
function asPrinted(text: string, corrections: Correction[]): string {
  let printed = text.normalize('NFC');
  for (const c of corrections) if (c.corrected) printed = printed.split(c.corrected.normalize('NFC')).join(c.printed.normalize('NFC'));
  return printed;
}

/** A record's own place: its source file and the lines it cites. */
const rowPlace = (source: SeedSource, corrections: Correction[] = []): Place => ({ file: source.file, lines: source.lines ?? '', corrections });

/** Collects the fields that are set; `places` defaults to the record's own lines. */
function fieldChecks(record: string, places: Place[], fields: Array<[field: string, text: string | undefined, where?: Place[]]>): TextCheck[] {
  return fields.flatMap(([field, text, where]) => (text === undefined ? [] : [{ record, field, text, places: where ?? places }]));
}

/** Every text of a row: as printed in its lines, except the section and group headings, printed above the table. */
function milestoneChecks(m: SeedMilestone): TextCheck[] {
  const corrections = m.corrections ?? [];
  const file: Place[] = [{ file: m.source.file, corrections }];
  const counts = (m.status?.counts ?? []).flatMap((c, i): Array<[string, string | undefined]> => [
    [`status.counts[${i}]`, `${c.done}/${c.total} ${c.unit}`],
    [`status.counts[${i}].percentText`, c.percentText],
  ]);
  return fieldChecks(
    `milestone ${m.id}`,
    [rowPlace(m.source, corrections)],
    [
      ['nameAsPrinted', m.nameAsPrinted],
      ['levelText', m.levelText],
      ['leadText', m.leadText],
      ['coordinatingText', m.coordinatingText],
      ['localityText', m.localityText],
      ['due.text', m.due?.text],
      ['status.text', m.status?.text],
      ...counts,
      ['section', m.section, file],
      ['group', m.group, file],
    ],
  );
}

/**
 * A directive's heading texts (anywhere in its files: directives cite no lines
 * for them), its tasks, citations and, for a cited-only document, what the
 * citing texts call it.
 */
function directiveChecks(d: SeedDirective): TextCheck[] {
  const record = `directive ${d.id}`;
  const corrections = d.corrections ?? [];
  const files = d.files.map((file): Place => ({ file, corrections }));
  const citing = (d.citedAs ?? []).map((c) => rowPlace(c.source));
  const heading = fieldChecks(record, d.inCorpus ? files : citing, [
    ['numberAsPrinted', d.numberAsPrinted],
    ['title', d.title],
    ['dateText', d.dateText],
    ['signer.name', d.signer?.name],
    ['signer.capacity', d.signer?.capacity],
  ]);
  const tasks = d.tasks.flatMap((t) =>
    fieldChecks(
      `${record} task ${t.number}`,
      [rowPlace(t.source, corrections)],
      [
        ['text', t.text],
        ['addresseeText', t.addresseeText],
        ['due.text', t.due?.text],
      ],
    ),
  );
  const cites = d.cites.flatMap((c) => fieldChecks(record, [rowPlace(c.source, corrections)], [[`cites[${c.directiveId}].context`, c.context]]));
  const citedAs = (d.citedAs ?? []).flatMap((c) => fieldChecks(record, [rowPlace(c.source, corrections)], [[`citedAs[${c.byDirectiveId}].text`, c.text]]));
  return [...heading, ...tasks, ...cites, ...citedAs];
}

/** A service's canonical name must be printed in the row of at least one of its milestones. */
function serviceChecks(data: SeedData): { checks: TextCheck[]; problems: string[] } {
  const rows = new Map<string, Place[]>();
  for (const m of data.milestones) rows.set(m.serviceId, [...(rows.get(m.serviceId) ?? []), rowPlace(m.source, m.corrections)]);
  const unused = data.services.filter((s) => !rows.has(s.id)).map((s) => `service ${s.id}: no milestone refers to it`);
  const checks = data.services.filter((s) => rows.has(s.id)).map((s): TextCheck => ({ record: `service ${s.id}`, field: 'name', text: s.name, places: rows.get(s.id) ?? [] }));
  return { checks, problems: unused };
}

const short = (text: string): string => text.replace(/\s+/g, ' ').slice(0, 90);

/** The deadline's range re-derived from its printed text (one parser, seeds/deadline.ts) must be the range recorded. */
function dueProblems(record: string, due: SeedDue | undefined): string[] {
  if (!due) return [];
  const range = deadlineRange(due.text);
  if (!range) return [`${record} due.text: "${short(due.text)}" names no quarter, month or year for ${due.start}..${due.end}`];
  return (['start', 'end'] as const).filter((k) => range[k] !== due[k]).map((k) => `${record} due.${k}: ${due[k]}, but "${short(due.text)}" denotes ${range.start}..${range.end}`);
}

/** Every recorded deadline range, and every row's carriedOver, re-derived from the printed deadline. */
function dateProblems(data: SeedData): { dates: number; problems: string[] } {
  const dues: Array<[string, SeedDue | undefined]> = [
    ...data.milestones.map((m): [string, SeedDue | undefined] => [`milestone ${m.id}`, m.due]),
    ...data.directives.flatMap((d) => d.tasks.map((t): [string, SeedDue | undefined] => [`directive ${d.id} task ${t.number}`, t.due])),
  ];
  const problems = dues.flatMap(([record, due]) => dueProblems(record, due));
  for (const m of data.milestones) {
    const said = isCarriedOver(m.due?.text ?? '');
    if (m.carriedOver !== said)
      problems.push(
        `milestone ${m.id} carriedOver: ${m.carriedOver}, but its deadline ${m.due ? `"${short(m.due.text)}"` : '(none)'} ${said ? 'says' : 'does not say'} "chuyển tiếp"`,
      );
  }
  return { dates: dues.filter(([, due]) => due).length, problems };
}

/** The best match over a check's places, or why it was not found. */
function findCheck(check: TextCheck, windowOf: WindowOf): Match | string {
  const errors: string[] = [];
  let best: Match | undefined;
  for (const place of check.places) {
    const window = windowOf(place);
    if (typeof window === 'string') {
      errors.push(window);
      continue;
    }
    // Slips fixed in the record are put back first; a text that never had the slip is also tried as it is.
    const match = findWords(window, wordsOf(asPrinted(check.text, place.corrections))) ?? (place.corrections.length > 0 ? findWords(window, wordsOf(check.text)) : undefined);
    if (match === 'exact') return match;
    best = best ?? match;
  }
  if (best) return best;
  const where = check.places.map((p) => (p.lines === undefined ? p.file : `${p.file}:${p.lines}`)).join(' or ') || 'any source: the record names none';
  return errors.length > 0 ? errors.join('; ') : `"${short(check.text)}" not found in ${where}`;
}

/**
 * Checks every text field of the seed data against the source text it cites:
 * milestone names, levels, lead / coordinating / locality cells, deadlines,
 * progress notes and their counts, section and group headings; directive
 * numbers, titles, dates and signers as printed; task texts, addressees and
 * deadlines; citations both ways; service names. A text (with its recorded
 * corrections undone) must be printed in the cited lines, whole word by whole
 * word, in one run or in pieces on successive lines. Every deadline's date
 * range and every row's carriedOver are re-derived from the printed deadline.
 */
export function verifySeedSources(data: SeedData, sourceDir: string, margin = 3): VerifyReport {
  const windowOf = sourceReader(sourceDir, margin);
  const services = serviceChecks(data);
  const dates = dateProblems(data);
  const report: VerifyReport = { checked: 0, exact: 0, joined: 0, dates: dates.dates, problems: [...services.problems] };
  for (const check of [...data.milestones.flatMap(milestoneChecks), ...data.directives.flatMap(directiveChecks), ...services.checks]) {
    const found = findCheck(check, windowOf);
    report.checked += 1;
    if (found === 'exact' || found === 'joined') report[found] += 1;
    else report.problems.push(`${check.record} ${check.field}: ${found}`);
  }
  report.problems.push(...dates.problems);
  return report;
}
