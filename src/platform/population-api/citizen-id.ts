import { readFileSync } from 'node:fs';
import { projectPath } from '../paths';

/**
 * The 12-digit personal identification number (số định danh cá nhân / CCCD),
 * Nghị định 137/2015/NĐ-CP Art. 13, Thông tư 07/2016/TT-BCA Art. 7:
 * digits 1–3 the province (or country) of birth registration, digit 4 century
 * and sex, digits 5–6 the last two digits of the birth year, 7–12 random.
 */
export interface CitizenIdParts {
  id: string;
  /** 3-digit code of the old (pre-2025) province of birth registration, e.g. "091". */
  provinceCccdCode: string;
  /** 2-digit GSO code of that province, e.g. "91". */
  provinceCode: string;
  sex: 'MALE' | 'FEMALE';
  birthYear: number;
}

export type CitizenIdProblem = 'NOT_12_DIGITS' | 'UNKNOWN_PROVINCE' | 'BIRTH_YEAR_IN_FUTURE';

export type CitizenIdResult = { ok: true; parts: CitizenIdParts } | { ok: false; problem: CitizenIdProblem; message: string };

/** A province before July 2025, as citizen IDs name it (seeds/data/provinces-before-2025-07.csv). */
export interface OldProvince {
  /** 2-digit GSO code before July 2025, e.g. "91". */
  code: string;
  /** 3-digit code used in citizen IDs, e.g. "091". */
  cccdCode: string;
  /** Current (post-July-2025) unit it became part of. */
  mergedIntoCode: string;
}

/** The 63 units before July 2025, read once from the province table shipped in seeds/data. */
export const OLD_PROVINCES: readonly OldProvince[] = readFileSync(projectPath('seeds', 'data', 'provinces-before-2025-07.csv'), 'utf8')
  .trim()
  .split(/\r?\n/)
  .slice(1)
  .map((row) => {
    const cells = row.split(',');
    // merged_into_code is the last column, so a comma in a name cannot shift it.
    return { code: cells[0] ?? '', cccdCode: cells[1] ?? '', mergedIntoCode: cells[cells.length - 1] ?? '' };
  });

const PROVINCE_BY_CCCD = new Map(OLD_PROVINCES.map((province) => [province.cccdCode, province.code]));

/** Century digit → [first year of the century, sex]: 0/1 → 1900s, 2/3 → 2000s, ... 8/9 → 2300s; even male, odd female. */
function century(digit: number): { base: number; sex: 'MALE' | 'FEMALE' } {
  return { base: 1900 + Math.floor(digit / 2) * 100, sex: digit % 2 === 0 ? 'MALE' : 'FEMALE' };
}

/** Checks the structure of an ID; `today` bounds the birth year (no one is born in the future). */
export function parseCitizenId(id: string, today: Date = new Date()): CitizenIdResult {
  if (!/^\d{12}$/.test(id)) return { ok: false, problem: 'NOT_12_DIGITS', message: 'A citizen ID has exactly 12 digits.' };
  const provinceCccdCode = id.slice(0, 3);
  const provinceCode = PROVINCE_BY_CCCD.get(provinceCccdCode);
  if (!provinceCode) return { ok: false, problem: 'UNKNOWN_PROVINCE', message: `Digits 1–3 ("${provinceCccdCode}") are not the code of a province.` };
  const { base, sex } = century(Number(id[3]));
  const birthYear = base + Number(id.slice(4, 6));
  if (birthYear > today.getUTCFullYear()) {
    return { ok: false, problem: 'BIRTH_YEAR_IN_FUTURE', message: `Digits 4–6 give a birth year of ${birthYear}, which has not come yet.` };
  }
  return { ok: true, parts: { id, provinceCccdCode, provinceCode, sex, birthYear } };
}
