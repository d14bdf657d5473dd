/**
 * The one reading of a printed deadline ("Quý II/2021", "Tháng 8/2024",
 * "chậm nhất đến tháng 9 năm 2023", "… trong năm 2024") as the date range it
 * denotes: from the first day of the earliest period named to the last day of
 * the latest. `seeds:verify` re-derives every `due` range with it.
 */

/** An inclusive range of ISO days. */
export interface DateRange {
  start: string;
  end: string;
}

const QUARTERS: Record<string, number> = { I: 1, II: 2, III: 3, IV: 4 };

/**
 * The periods a deadline names, as whole words: a quarter "quý II/2021", a month "tháng 6/2021" or
 * "tháng 9 năm 2023", or a year introduced by "trong" ("trong năm 2024"). A bare year is not a
 * deadline: "từ năm 2020" dates a carried-over task, "Luật … năm 2015" names a law.
 */
const PERIOD = /(?<![\p{L}\p{N}])(?:quý\s+(IV|I{1,3})\s*\/\s*(\d{4})|tháng\s+(\d{1,2})\s*(?:\/|năm)\s*(\d{4})|trong\s+năm\s+(\d{4}))(?![\p{L}\p{N}])/giu;

const pad2 = (n: number): string => String(n).padStart(2, '0');
const lastDayOfMonth = (year: number, month: number): number => new Date(Date.UTC(year, month, 0)).getUTCDate();
const months = (year: number, first: number, last: number): DateRange => ({
  start: `${year}-${pad2(first)}-01`,
  end: `${year}-${pad2(last)}-${pad2(lastDayOfMonth(year, last))}`,
});

function periodRange(match: RegExpMatchArray): DateRange {
  const [, quarter, quarterYear, month, monthYear, year] = match;
  if (quarter && quarterYear) {
    const q = QUARTERS[quarter.toUpperCase()] as number;
    return months(Number(quarterYear), q * 3 - 2, q * 3);
  }
  if (month && monthYear) return months(Number(monthYear), Number(month), Number(month));
  return months(Number(year), 1, 12);
}

/** The range a printed deadline denotes, or undefined when it names no period. */
export function deadlineRange(text: string): DateRange | undefined {
  const ranges = [...text.normalize('NFC').matchAll(PERIOD)].map(periodRange);
  if (ranges.length === 0) return undefined;
  return {
    start: ranges.map((r) => r.start).reduce((a, b) => (b < a ? b : a)),
    end: ranges.map((r) => r.end).reduce((a, b) => (b > a ? b : a)),
  };
}

/** True when a deadline says the task is carried over from an earlier year ("Chuyển tiếp nhiệm vụ từ năm 2023", "Nhiệm vụ chuyển tiếp …"). */
export function isCarriedOver(text: string): boolean {
  return /(?<![\p{L}\p{N}])chuyển tiếp(?![\p{L}\p{N}])/iu.test(text.normalize('NFC'));
}
