/**
 * What a lookup in the National Population Database may return depends on its
 * stated purpose (Nghị định 70/2024/NĐ-CP: only fields fitting the requester's
 * function). Shared by the stub upstream, which enforces it, and the gateway,
 * which refuses to ask for more.
 */
export const CITIZEN_FIELDS = [
  'fullName',
  'dateOfBirth',
  'sex',
  'birthRegistrationProvinceCode',
  'hometownProvinceCode',
  'ethnicity',
  'religion',
  'nationality',
  'permanentResidence',
  'temporaryResidence',
  'householdHead',
  'relationshipToHead',
  'maritalStatus',
  'deceased',
  'dateOfDeath',
] as const;
export type CitizenField = (typeof CITIZEN_FIELDS)[number];

export const LOOKUP_PURPOSES = {
  /** Xác nhận thông tin về cư trú, đăng ký thường trú / tạm trú. */
  RESIDENCE_VERIFICATION: ['fullName', 'dateOfBirth', 'sex', 'permanentResidence', 'temporaryResidence', 'householdHead', 'relationshipToHead', 'deceased'],
  /** Hộ tịch: khai sinh, kết hôn, xác nhận tình trạng hôn nhân, khai tử. */
  CIVIL_STATUS: ['fullName', 'dateOfBirth', 'sex', 'birthRegistrationProvinceCode', 'hometownProvinceCode', 'nationality', 'maritalStatus', 'deceased', 'dateOfDeath'],
  /** Bảo hiểm xã hội, bảo hiểm y tế. */
  SOCIAL_INSURANCE: ['fullName', 'dateOfBirth', 'sex', 'permanentResidence', 'deceased', 'dateOfDeath'],
  /** Chỉ định danh: họ tên, ngày sinh, giới tính. */
  IDENTITY: ['fullName', 'dateOfBirth', 'sex', 'deceased'],
} as const satisfies Record<string, readonly CitizenField[]>;
export type LookupPurpose = keyof typeof LOOKUP_PURPOSES;

export function isLookupPurpose(value: string): value is LookupPurpose {
  return Object.hasOwn(LOOKUP_PURPOSES, value);
}

export function allowedFields(purpose: LookupPurpose): readonly CitizenField[] {
  return LOOKUP_PURPOSES[purpose];
}

/** A residence: a current (post-July-2025) province code and an address line. */
export interface ResidenceRecord {
  provinceCode: string;
  addressLine: string;
}

/** The synthetic citizen record the stub returns (all fields; extract narrows them). */
export interface CitizenRecord {
  id: string;
  fullName: string;
  dateOfBirth: string;
  sex: 'MALE' | 'FEMALE';
  /** Old (pre-2025) 2-digit province code, from the ID's first three digits. */
  birthRegistrationProvinceCode: string;
  /** Old (pre-2025) province code. */
  hometownProvinceCode: string;
  ethnicity: string;
  religion: string | null;
  nationality: string;
  /** Current (post-July-2025) province code and a synthetic address line. */
  permanentResidence: ResidenceRecord;
  temporaryResidence: ResidenceRecord | null;
  householdHead: { id: string; fullName: string };
  relationshipToHead: string;
  maritalStatus: 'SINGLE' | 'MARRIED' | 'DIVORCED' | 'WIDOWED';
  deceased: boolean;
  dateOfDeath: string | null;
}

export type ExtractedCitizen = Partial<CitizenRecord> & { id: string };

/** Largest batch the upstream accepts; over it → 400 BATCH_TOO_LARGE. */
export const UPSTREAM_MAX_BATCH = 50;

/** Development credentials of the connector at the stub (stub and population subgraph start paired with them). */
export const DEV_POPULATION_CLIENT = { id: 'dvc-gateway', secret: 'dev-secret-change-me' };
