import { createHash } from 'node:crypto';
import { OLD_PROVINCES, parseCitizenId, type CitizenIdParts } from '../../platform/population-api/citizen-id';
import type { CitizenRecord, ResidenceRecord } from '../../platform/population-api/purposes';
import { mulberry32 } from '../../platform/random';

/**
 * Synthetic citizens for the population database stub. Everything is derived
 * from the ID alone (a hash seeds a small PRNG), so the stub needs no storage
 * and any two instances agree. The people are invented: names, dates and
 * addresses are drawn from lists, not from any real record.
 */

export type GeneratedCitizen = { status: 'FOUND'; citizen: CitizenRecord } | { status: 'NOT_FOUND' } | { status: 'INVALID_ID'; problem: string };

/** Share of structurally valid IDs that the stub says do not exist. */
export const NOT_FOUND_RATE = 0.05;
/** Share of existing citizens recorded as deceased (on top of the very old, see deathChance). */
export const DECEASED_RATE = 0.02;

// ---------------------------------------------------------------------------
// Provinces

const OLD_PROVINCE_BY_CODE = new Map(OLD_PROVINCES.map((province) => [province.code, province]));
/** The 34 current units, as the merge table names them. */
export const CURRENT_PROVINCE_CODES: readonly string[] = [...new Set(OLD_PROVINCES.map((province) => province.mergedIntoCode))].sort();
export const OLD_PROVINCE_CODES: readonly string[] = OLD_PROVINCES.map((province) => province.code);

// ---------------------------------------------------------------------------
// Randomness: sha256 of the ID seeds mulberry32, a tiny well-mixed 32-bit PRNG.

type Weighted<T> = ReadonlyArray<readonly [T, number]>;

class Dice {
  constructor(private readonly next: () => number) {}

  float(): number {
    return this.next();
  }

  /** Whole number in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }

  weighted<T>(entries: Weighted<T>): T {
    const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
    let roll = this.next() * total;
    for (const [value, weight] of entries) {
      roll -= weight;
      if (roll < 0) return value;
    }
    const last = entries[entries.length - 1];
    if (!last) throw new Error('weighted pick from an empty list');
    return last[0];
  }

  digits(count: number): string {
    let text = '';
    for (let index = 0; index < count; index += 1) text += String(this.int(0, 9));
    return text;
  }
}

/** Independent draws from one hash: bytes 0–3 seed the PRNG, 4–7 decide existence, 8–11 death. */
interface IdHash {
  seed: number;
  existenceRoll: number;
  deathRoll: number;
}

function hashId(id: string): IdHash {
  // The prefix versions the derivation: changing it would give everyone new data.
  const digest = createHash('sha256').update(`population-stub/v1:${id}`).digest();
  return { seed: digest.readUInt32BE(0), existenceRoll: digest.readUInt32BE(4) / 4294967296, deathRoll: digest.readUInt32BE(8) / 4294967296 };
}

// ---------------------------------------------------------------------------
// Dates, as whole UTC days so a "day" never depends on the host's time zone.

const MS_PER_DAY = 86_400_000;
const dayNumber = (year: number, month: number, day: number): number => Date.UTC(year, month - 1, day) / MS_PER_DAY;
const todayNumber = (today: Date): number => dayNumber(today.getUTCFullYear(), today.getUTCMonth() + 1, today.getUTCDate());
const isoDay = (day: number): string => new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
const yearOf = (day: number): number => new Date(day * MS_PER_DAY).getUTCFullYear();

/** Whole years from `birth` to `at` (both day numbers). */
function ageAt(birth: number, at: number): number {
  const from = new Date(birth * MS_PER_DAY);
  const to = new Date(at * MS_PER_DAY);
  let age = to.getUTCFullYear() - from.getUTCFullYear();
  const birthdayPassed = to.getUTCMonth() > from.getUTCMonth() || (to.getUTCMonth() === from.getUTCMonth() && to.getUTCDate() >= from.getUTCDate());
  if (!birthdayPassed) age -= 1;
  return age;
}

// ---------------------------------------------------------------------------
// Vocabulary (NFC; normalised again on output in case an editor decomposes it).

type Sex = 'MALE' | 'FEMALE';
type Region = 'north' | 'central' | 'south';

/** Old codes 01–37 north, 38–68 central and highlands, 70–96 south. */
function regionOf(oldCode: string): Region {
  const code = Number(oldCode);
  if (code < 38) return 'north';
  if (code < 70) return 'central';
  return 'south';
}

/** Kinh family names with roughly their national shares; Hoàng/Huỳnh and Vũ/Võ split by region. */
function kinhFamilyNames(region: Region): Weighted<string> {
  const south = region === 'south';
  return [
    ['Nguyễn', 38],
    ['Trần', 11],
    ['Lê', 9.5],
    ['Phạm', 7],
    ['Hoàng', south ? 1 : 4.5],
    ['Huỳnh', south ? 4.5 : 0.6],
    ['Phan', 4.5],
    ['Vũ', south ? 0.8 : 3.5],
    ['Võ', south ? 3.5 : 1],
    ['Đặng', 2.1],
    ['Bùi', 2],
    ['Đỗ', 1.4],
    ['Hồ', 1.3],
    ['Ngô', 1.3],
    ['Dương', 1],
    ['Lý', 0.5],
  ];
}

/** Family names typical of some ethnic groups. */
const ETHNIC_FAMILY_NAMES: Record<string, readonly string[]> = {
  Tày: ['Hoàng', 'Nông', 'Lương', 'Triệu', 'Ma', 'Hà'],
  Thái: ['Lò', 'Cầm', 'Lường', 'Quàng', 'Vi', 'Hà'],
  Mường: ['Bùi', 'Đinh', 'Quách', 'Hà', 'Xa'],
  Nùng: ['Hoàng', 'Nông', 'Lương', 'Vi', 'Chu'],
  "H'Mông": ['Giàng', 'Vàng', 'Sùng', 'Thào', 'Lý', 'Hầu'],
  Dao: ['Triệu', 'Bàn', 'Lý', 'Đặng'],
  Khmer: ['Thạch', 'Sơn', 'Danh', 'Kim', 'Lâm', 'Châu'],
  Hoa: ['Lý', 'Trương', 'Lâm', 'Quách', 'Mã', 'Dương'],
};

const MALE_GIVEN_NAMES = [
  'An',
  'Bảo',
  'Bình',
  'Cường',
  'Dũng',
  'Duy',
  'Đạt',
  'Đăng',
  'Hải',
  'Hiếu',
  'Hoàng',
  'Hùng',
  'Huy',
  'Khang',
  'Khánh',
  'Khoa',
  'Kiên',
  'Lâm',
  'Long',
  'Mạnh',
  'Minh',
  'Nam',
  'Nghĩa',
  'Phong',
  'Phúc',
  'Quân',
  'Quang',
  'Sơn',
  'Tài',
  'Thắng',
  'Thành',
  'Thịnh',
  'Trí',
  'Trung',
  'Tuấn',
  'Tùng',
  'Việt',
  'Vinh',
] as const;
const FEMALE_GIVEN_NAMES = [
  'Anh',
  'Chi',
  'Dung',
  'Giang',
  'Hà',
  'Hân',
  'Hạnh',
  'Hằng',
  'Hiền',
  'Hoa',
  'Hồng',
  'Hương',
  'Huyền',
  'Lan',
  'Linh',
  'Loan',
  'Mai',
  'My',
  'Nga',
  'Ngân',
  'Nhung',
  'Oanh',
  'Phương',
  'Quỳnh',
  'Tâm',
  'Thảo',
  'Thủy',
  'Trang',
  'Trinh',
  'Tuyết',
  'Uyên',
  'Vân',
  'Yến',
] as const;

/** Văn and Thị dominate older generations and thin out among the young. */
function middleNames(sex: Sex, birthYear: number): Weighted<string> {
  const traditional = birthYear < 1975 ? 70 : birthYear < 2000 ? 40 : 15;
  return sex === 'MALE'
    ? [
        ['Văn', traditional],
        ['Hữu', 8],
        ['Đức', 10],
        ['Minh', 12],
        ['Quốc', 8],
        ['Công', 5],
        ['Thành', 5],
        ['Gia', 4],
        ['Anh', 4],
      ]
    : [
        ['Thị', traditional],
        ['Ngọc', 12],
        ['Thu', 8],
        ['Thanh', 8],
        ['Minh', 6],
        ['Phương', 4],
        ['Bảo', 3],
        ['Khánh', 3],
        ['Kim', 4],
      ];
}

function familyName(dice: Dice, region: Region, ethnicity: string): string {
  const ethnic = ETHNIC_FAMILY_NAMES[ethnicity];
  if (ethnic && dice.chance(0.8)) return dice.pick(ethnic);
  return dice.weighted(kinhFamilyNames(region));
}

function personName(dice: Dice, sex: Sex, birthYear: number, family: string): string {
  const middle = dice.weighted(middleNames(sex, birthYear));
  const given = sex === 'MALE' ? dice.pick(MALE_GIVEN_NAMES) : dice.pick(FEMALE_GIVEN_NAMES);
  // Some women born since 1980 carry two middle names ("Nguyễn Thị Ngọc Anh").
  const second = sex === 'FEMALE' && middle === 'Thị' && birthYear >= 1980 && dice.chance(0.25) ? ` ${dice.pick(['Ngọc', 'Thu', 'Kim', 'Minh'])}` : '';
  return `${family} ${middle}${second} ${given}`.normalize('NFC');
}

/** Ethnic make-up by old province: most of the country is overwhelmingly Kinh. */
function ethnicities(oldCode: string): Weighted<string> {
  switch (oldCode) {
    case '04':
    case '06':
    case '20': // Cao Bằng, Bắc Kạn, Lạng Sơn
      return [
        ['Tày', 38],
        ['Nùng', 30],
        ['Kinh', 20],
        ['Dao', 7],
        ["H'Mông", 5],
      ];
    case '11':
    case '12':
    case '14': // Điện Biên, Lai Châu, Sơn La
      return [
        ['Thái', 40],
        ["H'Mông", 25],
        ['Kinh', 25],
        ['Dao', 5],
        ['Mường', 5],
      ];
    case '02':
    case '08':
    case '10':
    case '15':
    case '19': // Hà Giang, Tuyên Quang, Lào Cai, Yên Bái, Thái Nguyên
      return [
        ['Kinh', 42],
        ['Tày', 22],
        ["H'Mông", 14],
        ['Dao', 12],
        ['Nùng', 6],
        ['Thái', 4],
      ];
    case '17': // Hòa Bình
      return [
        ['Mường', 60],
        ['Kinh', 30],
        ['Thái', 4],
        ['Dao', 3],
        ['Tày', 3],
      ];
    case '38':
    case '40': // Thanh Hóa, Nghệ An: Mường and Thái uplands
      return [
        ['Kinh', 84],
        ['Mường', 8],
        ['Thái', 7],
        ["H'Mông", 1],
      ];
    case '84':
    case '94': // Trà Vinh, Sóc Trăng
      return [
        ['Kinh', 63],
        ['Khmer', 31],
        ['Hoa', 6],
      ];
    case '91':
    case '95':
    case '89': // Kiên Giang, Bạc Liêu, An Giang
      return [
        ['Kinh', 87],
        ['Khmer', 10],
        ['Hoa', 3],
      ];
    case '79': // Hồ Chí Minh
      return [
        ['Kinh', 93],
        ['Hoa', 6],
        ['Khmer', 1],
      ];
    case '62':
    case '64':
    case '66':
    case '67':
    case '68': // Central Highlands: Kinh and northern migrants
      return [
        ['Kinh', 85],
        ['Tày', 4],
        ['Nùng', 4],
        ['Thái', 3],
        ['Mường', 2],
        ["H'Mông", 2],
      ];
    default:
      return [
        ['Kinh', 98],
        ['Hoa', 1],
        ['Tày', 0.5],
        ['Mường', 0.5],
      ];
  }
}

/** Religion; null means "Không" (none), as for most people. */
function religions(oldCode: string, ethnicity: string): Weighted<string | null> {
  if (ethnicity === 'Khmer')
    return [
      ['Phật giáo', 85],
      [null, 15],
    ];
  if (ethnicity === "H'Mông")
    return [
      [null, 70],
      ['Tin lành', 28],
      ['Công giáo', 2],
    ];
  switch (oldCode) {
    case '36':
    case '37':
    case '75': // Nam Định, Ninh Bình, Đồng Nai: large Catholic communities
      return [
        [null, 62],
        ['Công giáo', 30],
        ['Phật giáo', 8],
      ];
    case '72': // Tây Ninh, seat of Cao Đài
      return [
        [null, 60],
        ['Cao Đài', 25],
        ['Phật giáo', 12],
        ['Công giáo', 3],
      ];
    case '89': // An Giang, home of Hòa Hảo
      return [
        [null, 55],
        ['Phật giáo Hòa Hảo', 30],
        ['Phật giáo', 12],
        ['Hồi giáo', 1],
        ['Công giáo', 2],
      ];
    default:
      return [
        [null, 82],
        ['Phật giáo', 9],
        ['Công giáo', 7],
        ['Cao Đài', 1],
        ['Tin lành', 1],
      ];
  }
}

const STREETS = [
  'Lê Lợi',
  'Trần Hưng Đạo',
  'Nguyễn Huệ',
  'Lý Thường Kiệt',
  'Hai Bà Trưng',
  'Quang Trung',
  'Nguyễn Trãi',
  'Lê Duẩn',
  'Trần Phú',
  'Hùng Vương',
  'Phan Chu Trinh',
  'Nguyễn Du',
  'Điện Biên Phủ',
  'Võ Thị Sáu',
  'Bà Triệu',
  'Lê Thánh Tông',
  'Ngô Quyền',
  'Nguyễn Văn Cừ',
] as const;

/** A house-level line without ward or commune, so it points to no real home. */
function addressLine(dice: Dice, region: Region): string {
  const street = dice.pick(STREETS);
  const line = dice.chance(0.35)
    ? `Số nhà ${dice.int(1, 120)}, ${region === 'south' ? 'ấp' : 'thôn'} ${dice.int(1, 15)}`
    : region === 'north'
      ? `Số ${dice.int(1, 250)}, ngõ ${dice.int(2, 400)}, phố ${street}`
      : region === 'south'
        ? `Số ${dice.int(1, 250)}/${dice.int(1, 40)}, đường ${street}, khu phố ${dice.int(1, 12)}`
        : `Số ${dice.int(1, 250)}, đường ${street}, tổ dân phố ${dice.int(1, 20)}`;
  return line.normalize('NFC');
}

/** Where people move for work: the big cities and industrial provinces (current codes). */
const MIGRATION_TARGETS: Weighted<string> = [
  ['79', 30],
  ['01', 20],
  ['75', 8],
  ['24', 7],
  ['48', 6],
  ['31', 6],
  ['92', 3],
  ['68', 3],
  ['*', 17], // anywhere else
];

function otherCurrentProvince(dice: Dice, except: string): string {
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const target = dice.weighted(MIGRATION_TARGETS);
    const code = target === '*' ? dice.pick(CURRENT_PROVINCE_CODES) : target;
    if (code !== except) return code;
  }
  return except === '79' ? '01' : '79';
}

// ---------------------------------------------------------------------------
// Households

type MaritalStatus = CitizenRecord['maritalStatus'];

function maritalStatus(dice: Dice, age: number, sex: Sex): MaritalStatus {
  if (age < 18) return 'SINGLE';
  if (age < 22)
    return dice.weighted<MaritalStatus>([
      ['SINGLE', 92],
      ['MARRIED', 8],
    ]);
  if (age < 30)
    return dice.weighted<MaritalStatus>([
      ['SINGLE', 45],
      ['MARRIED', 53],
      ['DIVORCED', 2],
    ]);
  if (age < 45)
    return dice.weighted<MaritalStatus>([
      ['SINGLE', 10],
      ['MARRIED', 82],
      ['DIVORCED', 6],
      ['WIDOWED', 2],
    ]);
  if (age < 65)
    return dice.weighted<MaritalStatus>([
      ['SINGLE', 4],
      ['MARRIED', 82],
      ['DIVORCED', 5],
      ['WIDOWED', 9],
    ]);
  // Women outlive their husbands more often than the reverse.
  return dice.weighted<MaritalStatus>([
    ['SINGLE', 2],
    ['MARRIED', sex === 'MALE' ? 75 : 50],
    ['DIVORCED', 3],
    ['WIDOWED', sex === 'MALE' ? 20 : 45],
  ]);
}

interface HeadPlan {
  relationship: string;
  sex: Sex;
  birthYear: number;
  /** The head carries the person's family name (father, sibling, son). */
  sharesFamilyName: boolean;
}

/** Who heads the person's household, or null when the person does. */
function planHousehold(dice: Dice, person: { sex: Sex; birthYear: number; age: number; marital: MaritalStatus; latestAdultBirthYear: number }): HeadPlan | null {
  const { sex, birthYear, age, marital, latestAdultBirthYear } = person;
  const parentHead = (): HeadPlan => {
    const father = dice.chance(0.75);
    return { relationship: 'Con', sex: father ? 'MALE' : 'FEMALE', birthYear: birthYear - dice.int(20, 40), sharesFamilyName: father };
  };
  if (age < 18) {
    if (dice.chance(0.15)) {
      const grandfather = dice.chance(0.6);
      return { relationship: 'Cháu', sex: grandfather ? 'MALE' : 'FEMALE', birthYear: birthYear - dice.int(45, 65), sharesFamilyName: grandfather };
    }
    return parentHead();
  }
  const headChance = marital === 'MARRIED' ? (sex === 'MALE' ? (age >= 30 ? 0.7 : 0.35) : 0.15) : marital === 'SINGLE' ? (age < 30 ? 0.1 : 0.45) : 0.55;
  if (dice.chance(headChance)) return null;
  if (marital === 'MARRIED') {
    // Husbands are on average a few years older than their wives.
    const gap = dice.int(0, 6);
    return sex === 'FEMALE'
      ? { relationship: 'Vợ', sex: 'MALE', birthYear: birthYear - gap, sharesFamilyName: false }
      : { relationship: 'Chồng', sex: 'FEMALE', birthYear: birthYear + gap, sharesFamilyName: false };
  }
  if (age < 35) return parentHead();
  if (age >= 60) {
    const childBirthYear = Math.min(birthYear + dice.int(20, 38), latestAdultBirthYear);
    if (childBirthYear - birthYear < 17) return null; // no adult child to head the household
    // Children carry their father's family name.
    return { relationship: sex === 'MALE' ? 'Cha' : 'Mẹ', sex: dice.chance(0.7) ? 'MALE' : 'FEMALE', birthYear: childBirthYear, sharesFamilyName: sex === 'MALE' };
  }
  const headOlder = dice.chance(0.6);
  const siblingBirthYear = headOlder ? birthYear - dice.int(1, 10) : Math.min(birthYear + dice.int(1, 10), latestAdultBirthYear);
  return {
    relationship: siblingBirthYear < birthYear ? 'Em' : sex === 'MALE' ? 'Anh' : 'Chị',
    sex: dice.chance(0.7) ? 'MALE' : 'FEMALE',
    birthYear: siblingBirthYear,
    sharesFamilyName: true,
  };
}

/** A valid-looking ID for someone registered in the same province: century/sex digit, year, six random digits. */
function relativeId(dice: Dice, cccdCode: string, sex: Sex, birthYear: number, avoid: string): string {
  const centuryDigit = (Math.floor(birthYear / 100) - 19) * 2 + (sex === 'FEMALE' ? 1 : 0);
  const id = `${cccdCode}${centuryDigit}${String(birthYear % 100).padStart(2, '0')}${dice.digits(6)}`;
  return id === avoid ? `${id.slice(0, 11)}${(Number(id[11]) + 1) % 10}` : id;
}

// ---------------------------------------------------------------------------
// The citizen

/** Chance that a citizen is recorded as dead: a flat rate, rising sharply past 85. */
function deathChance(ageToday: number): number {
  return Math.max(DECEASED_RATE, Math.min(1, (ageToday - 85) / 25));
}

function birthDay(dice: Dice, birthYear: number, today: number): number {
  const first = dayNumber(birthYear, 1, 1);
  const length = dayNumber(birthYear + 1, 1, 1) - first;
  const offset = dice.int(0, length - 1);
  // This year's births must not be in the future; fold the offset into the days so far, so earlier dates never move.
  const daysSoFar = today - first + 1;
  return first + (offset < daysSoFar ? offset : offset % daysSoFar);
}

/**
 * Day of death, or null when there is no room for one. The window ends on the
 * last day of the previous year (stable all year long), or today for someone
 * born this year.
 */
function deathDay(dice: Dice, born: number, today: number, ageToday: number): number | null {
  const endOfLastYear = dayNumber(yearOf(today), 1, 1) - 1;
  const windowEnd = endOfLastYear > born ? endOfLastYear : today;
  if (windowEnd <= born) return null;
  // The very old mostly died old; others at any age.
  const windowStart = ageToday > 85 ? Math.min(windowEnd, born + 70 * 365) : born + 1;
  return dice.int(windowStart, windowEnd);
}

function buildCitizen(parts: CitizenIdParts, hash: IdHash, today: number): CitizenRecord {
  const dice = new Dice(mulberry32(hash.seed));
  const { id, sex, birthYear, provinceCode: birthProvince, provinceCccdCode } = parts;
  const region = regionOf(birthProvince);

  const born = birthDay(dice, birthYear, today);
  const ageToday = ageAt(born, today);
  const died = hash.deathRoll < deathChance(ageToday) ? deathDay(dice, born, today, ageToday) : null;
  // Marital status and household describe the person as last recorded: at death, or today.
  const age = ageAt(born, died ?? today);
  const referenceYear = yearOf(died ?? today);

  const ethnicity = dice.weighted(ethnicities(birthProvince));
  const religion = dice.weighted(religions(birthProvince, ethnicity));
  const family = familyName(dice, region, ethnicity);
  const fullName = personName(dice, sex, birthYear, family);

  // Hometown is the father's home province: usually where the birth was registered.
  const hometownProvinceCode = dice.chance(0.85) ? birthProvince : dice.pick(OLD_PROVINCE_CODES);
  const homeCurrent = OLD_PROVINCE_BY_CODE.get(birthProvince)?.mergedIntoCode ?? birthProvince;
  const permanentProvince = age >= 18 && dice.chance(0.15) ? otherCurrentProvince(dice, homeCurrent) : homeCurrent;
  const permanentResidence: ResidenceRecord = { provinceCode: permanentProvince, addressLine: addressLine(dice, region) };
  const movedAway = age >= 18 && age < 50 && died === null && dice.chance(0.15);
  const temporaryResidence: ResidenceRecord | null = movedAway
    ? (() => {
        const provinceCode = otherCurrentProvince(dice, permanentProvince);
        // Every current code is also an old one, so it has a region.
        return { provinceCode, addressLine: addressLine(dice, regionOf(provinceCode)) };
      })()
    : null;

  const marital = maritalStatus(dice, age, sex);
  const plan = planHousehold(dice, { sex, birthYear, age, marital, latestAdultBirthYear: referenceYear - 18 });
  let householdHead: CitizenRecord['householdHead'];
  let relationshipToHead: string;
  if (plan === null) {
    householdHead = { id, fullName };
    relationshipToHead = 'Chủ hộ';
  } else {
    // A head is an adult when last recorded, and IDs encode births from 1900 on only.
    const headBirthYear = Math.max(1900, Math.min(plan.birthYear, referenceYear - 18));
    const headFamily = plan.sharesFamilyName ? family : familyName(dice, region, ethnicity);
    householdHead = { id: relativeId(dice, provinceCccdCode, plan.sex, headBirthYear, id), fullName: personName(dice, plan.sex, headBirthYear, headFamily) };
    relationshipToHead = plan.relationship;
  }

  return {
    id,
    fullName,
    dateOfBirth: isoDay(born),
    sex,
    birthRegistrationProvinceCode: birthProvince,
    hometownProvinceCode,
    ethnicity,
    religion,
    nationality: 'Việt Nam',
    permanentResidence,
    temporaryResidence,
    householdHead,
    relationshipToHead,
    maritalStatus: marital,
    deceased: died !== null,
    dateOfDeath: died === null ? null : isoDay(died),
  };
}

/**
 * The synthetic citizen behind an ID. The ID's structure fixes province of
 * birth registration, sex and birth year; its hash fixes everything else,
 * including whether the person exists (about 95%) and is alive (about 98%).
 * `today` bounds dates (nothing after it) and ages.
 */
export function generateCitizen(id: string, today: Date = new Date()): GeneratedCitizen {
  const parsed = parseCitizenId(id, today);
  if (!parsed.ok) return { status: 'INVALID_ID', problem: parsed.problem };
  const hash = hashId(id);
  if (hash.existenceRoll < NOT_FOUND_RATE) return { status: 'NOT_FOUND' };
  return { status: 'FOUND', citizen: buildCitizen(parsed.parts, hash, todayNumber(today)) };
}

// ---------------------------------------------------------------------------
// IDs for tests and benchmarks

/** Births up to this year only, so sample IDs stay valid and their citizens stay the same whatever today is. */
const SAMPLE_LAST_BIRTH_YEAR = 2024;
const SAMPLE_FIRST_BIRTH_YEAR = 1935;

function* sampleIdStream(seed: number): Generator<string> {
  const dice = new Dice(mulberry32(seed));
  for (;;) {
    const province = dice.pick(OLD_PROVINCES);
    const birthYear = dice.int(SAMPLE_FIRST_BIRTH_YEAR, SAMPLE_LAST_BIRTH_YEAR);
    const sex: Sex = dice.chance(0.5) ? 'MALE' : 'FEMALE';
    yield relativeId(dice, province.cccdCode, sex, birthYear, '');
  }
}

/**
 * `count` distinct, structurally valid IDs (all 63 old provinces, births 1935–2024,
 * so century digits 0–3), the same for the same seed. Some are NOT_FOUND or
 * deceased, as for any ID; use findIds to pick a kind.
 */
export function sampleCitizenIds(count: number, seed: number): string[] {
  const ids = new Set<string>();
  const stream = sampleIdStream(seed);
  // 10^6 suffixes per prefix make repeats rare; the bound only guards against a broken stream.
  for (let drawn = 0; ids.size < count && drawn < count * 10 + 100; drawn += 1) {
    const next = stream.next();
    if (next.done) break;
    ids.add(next.value);
  }
  return [...ids];
}

export type CitizenKind = 'FOUND' | 'NOT_FOUND' | 'DECEASED';

/**
 * `count` distinct IDs the generator classifies as `kind`: FOUND = exists and
 * alive, DECEASED = exists and dead, NOT_FOUND = valid but unknown. Same seed,
 * same IDs (for a given year of `today`).
 */
export function findIds(kind: CitizenKind, count: number, seed: number, today: Date = new Date()): string[] {
  const found: string[] = [];
  const seen = new Set<string>();
  const stream = sampleIdStream(seed);
  // Deceased is the rarest kind (~2%): 1000 draws per wanted ID is far more than enough.
  const maxDraws = count * 1000 + 1000;
  for (let drawn = 0; found.length < count && drawn < maxDraws; drawn += 1) {
    const next = stream.next();
    if (next.done) break;
    const id = next.value;
    if (seen.has(id)) continue;
    seen.add(id);
    const generated = generateCitizen(id, today);
    const classified = generated.status === 'FOUND' ? (generated.citizen.deceased ? 'DECEASED' : 'FOUND') : generated.status;
    if (classified === kind) found.push(id);
  }
  if (found.length < count) throw new Error(`findIds: only ${found.length} of ${count} ${kind} IDs found`);
  return found;
}
