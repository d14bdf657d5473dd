import { z } from 'zod';

/**
 * The shape of the curated seed files in `seeds/data/`, checked at every load
 * (a bad record fails with its file, record and field named). The files are
 * written by hand from the five source documents; every record carries a
 * `source` so a reader, or `npm run seeds:verify`, can check it against the text.
 *
 * Conventions shared by all files:
 * - Directive ids are the official number/symbol, NFC, a single "/", no spaces:
 *   "406/QĐ-TTg", "131/NQ-CP". The May 2024 report has no number: "BC-VPCP-2024-05".
 *   `number` is normalised the same way; a corpus document keeps the printed
 *   form ("406 /QĐ-TTg") in `numberAsPrinted`.
 * - Agency ids are ASCII slugs of the full official name: "bo-ke-hoach-va-dau-tu".
 * - Province codes are the 2-digit GSO codes of the 63 units before 1 July 2025,
 *   since the documents (2021–2024) name those.
 * - Dates are ISO "YYYY-MM-DD". Text keeps the Vietnamese as printed, except
 *   obvious extraction slips, which are fixed and listed in `corrections`.
 */

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD');
const nonEmpty = z.string().trim().min(1);
const provinceCode = z.string().regex(/^\d{2}$/, 'must be a 2-digit province code');
const agencyId = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be an ASCII slug');

/** Where a record comes from: a file in seeds/sources and the item or lines in it. */
export const SeedSource = z.strictObject({
  file: nonEmpty,
  /** Item number as printed ("37", "10.1", "II.05"), task number, or a section name. */
  item: z.string().optional(),
  /** 1-based lines in the file: "120", "120-134", or several such ranges "59,69". */
  lines: z
    .string()
    .regex(/^\d+(-\d+)?(,\d+(-\d+)?)*$/, 'must be "N", "N-M" or a comma-separated list of them')
    .optional(),
});

/** A deadline: the text as printed plus the date range it denotes (inclusive). */
export const SeedDue = z.strictObject({ text: nonEmpty, start: isoDate, end: isoDate });

const Correction = z.strictObject({ printed: z.string(), corrected: z.string() });

export const SeedDirectiveKind = z.enum(['QUYET_DINH', 'CONG_VAN', 'BAO_CAO', 'NGHI_QUYET', 'CHI_THI', 'NGHI_DINH', 'THONG_TU', 'LUAT', 'DE_AN', 'OTHER']);

/**
 * A directive number normalised: NFC, whitespace removed ("406 /QĐ-TTg" → "406/QĐ-TTg"),
 * "" when the number before the symbol is blank ("         /BC-VPCP").
 */
export function normaliseDirectiveNumber(printed: string): string {
  const joined = printed.normalize('NFC').replace(/\s+/g, '');
  return joined.startsWith('/') ? '' : joined;
}

export const SeedDirective = z
  .strictObject({
    id: nonEmpty,
    /** Number/symbol normalised (see normaliseDirectiveNumber), equal to the id; "" when blank in the document or cited by name only. */
    number: z.string().regex(/^\S*$/, 'must be normalised (no spaces); the printed form goes in numberAsPrinted'),
    /** Number/symbol exactly as printed in the document's own heading or caption ("406 /QĐ-TTg"); set for the documents in the corpus only. */
    numberAsPrinted: nonEmpty.optional(),
    kind: SeedDirectiveKind,
    /** "V/v ..." or "Phê duyệt ..." line, or the name the citing text uses. */
    title: nonEmpty,
    issuerAgencyId: agencyId.optional(),
    signer: z.strictObject({ name: nonEmpty, capacity: nonEmpty }).optional(),
    date: isoDate.optional(),
    /** As printed, when the date is partial or blank. */
    dateText: z.string().optional(),
    /** Old province code for local documents. */
    provinceCode: provinceCode.optional(),
    /** True for the five documents in seeds/sources; false for documents only cited. */
    inCorpus: z.boolean(),
    files: z.array(nonEmpty),
    implements: z.array(nonEmpty),
    cites: z.array(z.strictObject({ directiveId: nonEmpty, context: nonEmpty, source: SeedSource })),
    tasks: z.array(
      z.strictObject({
        number: nonEmpty,
        text: nonEmpty,
        addresseeAgencyIds: z.array(agencyId),
        addresseeText: z.string().optional(),
        due: SeedDue.optional(),
        source: SeedSource,
      }),
    ),
    /** For cited-only directives: what each citing document says about it. */
    citedAs: z.array(z.strictObject({ byDirectiveId: nonEmpty, text: nonEmpty, source: SeedSource })).optional(),
    ambiguities: z.array(nonEmpty).optional(),
    corrections: z.array(Correction).optional(),
  })
  .superRefine((d, ctx) => {
    // One convention for every document: `number` normalised, the printed form beside it (issue #15).
    if (d.inCorpus !== (d.numberAsPrinted !== undefined)) {
      ctx.addIssue({ code: 'custom', path: ['numberAsPrinted'], message: 'is required for the documents in the corpus, and only for them' });
    }
    if (d.numberAsPrinted !== undefined && d.number !== normaliseDirectiveNumber(d.numberAsPrinted)) {
      ctx.addIssue({ code: 'custom', path: ['number'], message: `must be numberAsPrinted normalised: "${normaliseDirectiveNumber(d.numberAsPrinted)}"` });
    }
    if (d.number !== '' && d.number !== d.id) ctx.addIssue({ code: 'custom', path: ['number'], message: 'must equal the id (or be "" when blank)' });
    // One citation per cited document, at its first occurrence (not one per occurrence).
    for (const [field, ids] of [
      ['cites', d.cites.map((c) => c.directiveId)],
      ['citedAs', (d.citedAs ?? []).map((c) => c.byDirectiveId)],
    ] as const) {
      const repeated = ids.filter((id, index) => ids.indexOf(id) !== index);
      if (repeated.length > 0) ctx.addIssue({ code: 'custom', path: [field], message: `one entry per directive; repeated: ${[...new Set(repeated)].join(', ')}` });
    }
  });

export const SeedAgencyKind = z.enum(['GOVERNMENT', 'MINISTRY', 'GOVERNMENT_AGENCY', 'STATE_ENTERPRISE', 'JUDICIARY', 'PROVINCIAL_COMMITTEE', 'PROVINCIAL_DEPARTMENT', 'OTHER']);

export const SeedAgency = z.strictObject({
  id: agencyId,
  /** Full official name at the time of the documents. */
  name: nonEmpty,
  /** Short names and spellings used in the documents or in common use: "BCA", "Bộ KH&ĐT". */
  aliases: z.array(nonEmpty),
  kind: SeedAgencyKind,
  provinceCode: provinceCode.optional(),
  /** A collective addressee such as "UBND các tỉnh, thành phố trực thuộc trung ương". */
  collective: z.boolean().optional(),
  parentId: agencyId.optional(),
  /** The 2025 reorganisation: who took over this agency's work, when, on what basis. */
  successors: z.array(z.strictObject({ agencyId, date: isoDate, basis: nonEmpty, note: z.string().optional() })).optional(),
  dissolvedOn: isoDate.optional(),
  establishedOn: isoDate.optional(),
  sources: z.array(SeedSource).min(1),
});

export const SeedServiceLevel = z.enum(['LEVEL_3', 'LEVEL_4', 'FULL', 'PARTIAL']);
export const SeedStatusState = z.enum(['DONE', 'PARTIAL', 'NOT_DONE']);

export const SeedStatus = z.strictObject({
  /** The progress cell as printed. */
  text: nonEmpty,
  /** Date of the report that gives this status. */
  asOf: isoDate,
  /** The structured reading of the text. */
  state: SeedStatusState,
  /** "16/63" → { done: 16, total: 63, unit: "địa phương" }. */
  counts: z.array(z.strictObject({ done: z.number().int().min(0), total: z.number().int().min(1), unit: nonEmpty, percentText: z.string().optional() })).optional(),
  doneProvinceCodes: z.array(provinceCode).optional(),
  pendingProvinceCodes: z.array(provinceCode).optional(),
  pilotProvinceCodes: z.array(provinceCode).optional(),
});

export const SeedService = z.strictObject({
  /** "svc-<directive>-<item>" of the service's earliest appearance in the corpus. */
  id: z.string().regex(/^svc-[a-z0-9]+-[A-Za-z0-9.]+$/, 'must be svc-<directive>-<item>'),
  /** Canonical name (as printed in the earliest or most complete row). */
  name: nonEmpty,
  /** Component services of an interconnected group (liên thông). */
  componentIds: z.array(nonEmpty).optional(),
  /** How the scope relates to the names used in different documents. */
  scopeNote: z.string().optional(),
});

export const SeedMilestone = z.strictObject({
  /** "<directiveId>#<item>", phases "<directiveId>#<item>@<phase label>". */
  id: nonEmpty,
  directiveId: nonEmpty,
  serviceId: nonEmpty,
  item: nonEmpty,
  parentId: z.string().optional(),
  /** Order in the document, 1-based, across the directive. */
  order: z.number().int().min(1),
  section: z.string().optional(),
  group: z.string().optional(),
  /** The row's name exactly as printed (whitespace normalised; rows split across pages joined). */
  nameAsPrinted: nonEmpty,
  level: SeedServiceLevel.optional(),
  levelText: z.string().optional(),
  leadAgencyIds: z.array(agencyId),
  leadText: z.string().optional(),
  coordinatingAgencyIds: z.array(agencyId),
  coordinatingText: z.string().optional(),
  localityText: z.string().optional(),
  /** All provinces in scope ("UBND các tỉnh, thành phố ..."). */
  allProvinces: z.boolean(),
  provinceCodes: z.array(provinceCode).optional(),
  due: SeedDue.optional(),
  /** Carried over from an earlier year: true exactly when the row's deadline text says so ("Chuyển tiếp nhiệm vụ từ năm 2023"); on every row. */
  carriedOver: z.boolean(),
  status: SeedStatus.optional(),
  /** How and why a broken row's name was reconstructed (406 items 18, 19, 52). */
  reconstructed: z.string().optional(),
  ambiguities: z.array(nonEmpty).optional(),
  corrections: z.array(Correction).optional(),
  source: SeedSource,
});

export type SeedSource = z.infer<typeof SeedSource>;
export type SeedDue = z.infer<typeof SeedDue>;
export type SeedDirective = z.infer<typeof SeedDirective>;
export type SeedAgency = z.infer<typeof SeedAgency>;
export type SeedService = z.infer<typeof SeedService>;
export type SeedStatus = z.infer<typeof SeedStatus>;
export type SeedMilestone = z.infer<typeof SeedMilestone>;
