import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AnyBulkWriteOperation, Collection, Filter, WithoutId } from 'mongodb';
import type { CatalogueCollections } from '../collections';
import type { AgencyDocument, DirectiveDocument, MilestoneDocument, ProvinceDocument, ServiceDocument } from '../documents';
import { isIsoDate } from '../../../platform/scalars';
import { directiveIdKey, foldVietnamese } from '../../../platform/fold';
import { projectPath } from '../../../platform/paths';
import type { z } from 'zod';
import { SeedAgency, SeedDirective, SeedMilestone, SeedService, type SeedDue } from './schema';

/** The curated data: seeds/data. */
export function seedDataDir(): string {
  return projectPath('seeds', 'data');
}

interface ProvinceRowBefore {
  code: string;
  cccd_code: string;
  name: string;
  kind: string;
  merged_into_code: string;
}
interface ProvinceRowFrom {
  code: string;
  name: string;
  kind: string;
  formed_from_codes: string;
  administrative_centre_in: string;
}

export interface SeedData {
  provincesBefore: ProvinceRowBefore[];
  provincesFrom: ProvinceRowFrom[];
  agencies: SeedAgency[];
  directives: SeedDirective[];
  services: SeedService[];
  milestones: SeedMilestone[];
}

/** The reference CSVs are plain: no quoted fields (checked, so a future quote fails loudly). */
function readCsv<T>(path: string): T[] {
  const [header, ...rows] = readFileSync(path, 'utf8')
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '');
  if (!header) return [];
  const columns = header.split(',');
  return rows.map((row, index) => {
    if (row.includes('"')) throw new Error(`${path}:${index + 2}: quoted CSV fields are not supported`);
    const cells = row.split(',');
    if (cells.length !== columns.length) throw new Error(`${path}:${index + 2}: expected ${columns.length} cells, got ${cells.length}`);
    return Object.fromEntries(columns.map((column, i) => [column, cells[i] ?? ''])) as T;
  });
}

/** A seed file that does not match its schema: the message names the file, the record and the field. */
export class SeedFileError extends Error {
  override name = 'SeedFileError';
}

/** Reads every JSON array file matching `matches`, checking each record against `schema`. */
function readJsonArrays<T>(dir: string, matches: (file: string) => boolean, schema: z.ZodType<T>): T[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json') && matches(file))
    .sort()
    .flatMap((file) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(readFileSync(join(dir, file), 'utf8'));
      } catch (error) {
        throw new SeedFileError(`${file}: not valid JSON: ${(error as Error).message}`);
      }
      if (!Array.isArray(parsed)) throw new SeedFileError(`${file}: expected a JSON array`);
      return parsed.map((record: unknown, index) => {
        const result = schema.safeParse(record);
        if (result.success) return result.data;
        const id = typeof record === 'object' && record !== null && 'id' in record ? ` (id "${String(record.id)}")` : '';
        const issues = result.error.issues.map((issue) => `${issue.path.join('.') || '(record)'}: ${issue.message}`).join('; ');
        throw new SeedFileError(`${file}: record ${index}${id}: ${issues}`);
      });
    });
}

export function readSeedData(dir: string = seedDataDir()): SeedData {
  return {
    provincesBefore: readCsv<ProvinceRowBefore>(join(dir, 'provinces-before-2025-07.csv')),
    provincesFrom: readCsv<ProvinceRowFrom>(join(dir, 'provinces-from-2025-07.csv')),
    agencies: readJsonArrays(dir, (f) => f === 'agencies.json', SeedAgency),
    directives: readJsonArrays(dir, (f) => f.startsWith('directives'), SeedDirective),
    services: readJsonArrays(dir, (f) => f.startsWith('services'), SeedService),
    milestones: readJsonArrays(dir, (f) => f.startsWith('milestones'), SeedMilestone),
  };
}

export const provinceId = {
  before: (code: string): string => `63:${code}`,
  from: (code: string): string => `34:${code}`,
};

/** Every broken reference, duplicate id and malformed date in the seed data; empty when it is sound. */
export function validateSeedData(data: SeedData): string[] {
  const problems: string[] = [];
  const unique = (kind: string, ids: string[]): Set<string> => {
    const seen = new Set<string>();
    for (const id of ids) {
      if (seen.has(id)) problems.push(`${kind} id "${id}" is defined twice`);
      seen.add(id);
    }
    return seen;
  };
  const oldCodes = unique(
    'old province',
    data.provincesBefore.map((p) => p.code),
  );
  const newCodes = unique(
    'current province',
    data.provincesFrom.map((p) => p.code),
  );
  const agencies = unique(
    'agency',
    data.agencies.map((a) => a.id),
  );
  const directives = unique(
    'directive',
    data.directives.map((d) => d.id),
  );
  const services = unique(
    'service',
    data.services.map((s) => s.id),
  );
  const milestones = unique(
    'milestone',
    data.milestones.map((m) => m.id),
  );
  unique(
    'directive key',
    data.directives.map((d) => directiveIdKey(d.id)),
  );

  const ref = (set: Set<string>, kind: string, id: string | undefined, where: string): void => {
    if (id !== undefined && !set.has(id)) problems.push(`${where}: unknown ${kind} "${id}"`);
  };
  const date = (value: string | undefined, where: string): void => {
    if (value !== undefined && !isIsoDate(value)) problems.push(`${where}: "${value}" is not a YYYY-MM-DD date`);
  };
  const due = (value: SeedDue | undefined, where: string): void => {
    if (!value) return;
    date(value.start, `${where} due.start`);
    date(value.end, `${where} due.end`);
    if (value.start > value.end) problems.push(`${where}: due starts after it ends`);
  };

  for (const p of data.provincesBefore) ref(newCodes, 'current province', p.merged_into_code, `province ${p.code}`);
  for (const p of data.provincesFrom) for (const code of p.formed_from_codes.split(';')) ref(oldCodes, 'old province', code, `province ${p.code}`);
  for (const a of data.agencies) {
    const where = `agency ${a.id}`;
    ref(agencies, 'agency', a.parentId, where);
    ref(oldCodes, 'old province', a.provinceCode, where);
    for (const s of a.successors ?? []) {
      ref(agencies, 'agency', s.agencyId, where);
      date(s.date, where);
    }
    date(a.dissolvedOn, where);
    date(a.establishedOn, where);
  }
  for (const d of data.directives) {
    const where = `directive ${d.id}`;
    ref(agencies, 'agency', d.issuerAgencyId, where);
    ref(oldCodes, 'old province', d.provinceCode, where);
    date(d.date, where);
    for (const id of d.implements) ref(directives, 'directive', id, where);
    for (const c of d.cites) ref(directives, 'directive', c.directiveId, `${where} cites`);
    for (const c of d.citedAs ?? []) ref(directives, 'directive', c.byDirectiveId, `${where} citedAs`);
    for (const t of d.tasks) {
      for (const id of t.addresseeAgencyIds) ref(agencies, 'agency', id, `${where} task ${t.number}`);
      due(t.due, `${where} task ${t.number}`);
    }
  }
  for (const s of data.services) for (const id of s.componentIds ?? []) ref(services, 'service', id, `service ${s.id}`);
  for (const m of data.milestones) {
    const where = `milestone ${m.id}`;
    ref(directives, 'directive', m.directiveId, where);
    ref(services, 'service', m.serviceId, where);
    ref(milestones, 'milestone', m.parentId, where);
    for (const id of [...m.leadAgencyIds, ...m.coordinatingAgencyIds]) ref(agencies, 'agency', id, where);
    for (const code of [...(m.provinceCodes ?? []), ...(m.status?.doneProvinceCodes ?? []), ...(m.status?.pendingProvinceCodes ?? []), ...(m.status?.pilotProvinceCodes ?? [])]) {
      ref(oldCodes, 'old province', code, where);
    }
    due(m.due, where);
    date(m.status?.asOf, `${where} status`);
  }
  return problems;
}

/**
 * The bodies that carry an agency's work today: itself if it still exists,
 * otherwise (transitively) its successors. Bảo hiểm xã hội Việt Nam, moved under
 * Bộ Tài chính but not dissolved, stays itself.
 */
export function currentAgencyResolver(agencies: SeedAgency[]): (id: string) => string[] {
  const byId = new Map(agencies.map((a) => [a.id, a]));
  const memo = new Map<string, string[]>();
  const resolve = (id: string, seen: Set<string>): string[] => {
    const cached = memo.get(id);
    if (cached) return cached;
    const agency = byId.get(id);
    if (!agency?.dissolvedOn || !agency.successors?.length || seen.has(id)) return [id];
    const result = [...new Set(agency.successors.flatMap((s) => resolve(s.agencyId, new Set([...seen, id]))))];
    memo.set(id, result);
    return result;
  };
  return (id) => resolve(id, new Set());
}

export interface CatalogueDocuments {
  provinces: ProvinceDocument[];
  agencies: AgencyDocument[];
  directives: DirectiveDocument[];
  services: ServiceDocument[];
  milestones: MilestoneDocument[];
}

/** Turns validated seed data into stored documents (denormalised fields filled in). */
export function toDocuments(data: SeedData): CatalogueDocuments {
  // Texts repeat (a row's sort and search keys, phase labels, headings, a service's
  // names): each is folded once per call. Folding was most of this function's time.
  const foldedTexts = new Map<string, string>();
  const fold = (text: string): string => {
    let folded = foldedTexts.get(text);
    if (folded === undefined) {
      folded = foldVietnamese(text);
      foldedTexts.set(text, folded);
    }
    return folded;
  };
  /** foldVietnamese(parts.join(' ')) from the folded parts: folding goes character by character, so it distributes over the join unless a part folds to nothing. */
  const foldJoined = (parts: string[]): string => {
    const folded = parts.map(fold);
    return folded.includes('') ? foldVietnamese(parts.join(' ')) : folded.join(' ');
  };
  const provinces: ProvinceDocument[] = [
    ...data.provincesBefore.map((p) => ({
      _id: provinceId.before(p.code),
      code: p.code,
      name: p.name,
      kind: p.kind,
      era: 'BEFORE_2025_07' as const,
      validFrom: null,
      validTo: '2025-06-30',
      cccdCode: p.cccd_code || null,
      mergedIntoId: p.merged_into_code ? provinceId.from(p.merged_into_code) : null,
      formedFromIds: [],
      administrativeCentre: null,
      searchText: foldVietnamese(`${p.name} ${p.kind}`),
    })),
    ...data.provincesFrom.map((p) => ({
      _id: provinceId.from(p.code),
      code: p.code,
      name: p.name,
      kind: p.kind,
      era: 'FROM_2025_07' as const,
      validFrom: '2025-07-01',
      validTo: null,
      cccdCode: null,
      mergedIntoId: null,
      formedFromIds: p.formed_from_codes.split(';').filter(Boolean).map(provinceId.before),
      administrativeCentre: p.administrative_centre_in ? provinceId.before(p.administrative_centre_in) : null,
      searchText: foldVietnamese(`${p.name} ${p.kind}`),
    })),
  ];

  const predecessors = new Map<string, string[]>();
  for (const a of data.agencies) {
    for (const s of a.successors ?? []) predecessors.set(s.agencyId, [...(predecessors.get(s.agencyId) ?? []), a.id]);
  }
  const agencies: AgencyDocument[] = data.agencies.map((a) => ({
    _id: a.id,
    name: a.name,
    aliases: a.aliases,
    kind: a.kind,
    provinceId: a.provinceCode ? provinceId.before(a.provinceCode) : null,
    collective: a.collective ?? false,
    parentId: a.parentId ?? null,
    successors: (a.successors ?? []).map((s) => ({ agencyId: s.agencyId, date: s.date, basis: s.basis, note: s.note ?? null })),
    predecessorIds: predecessors.get(a.id) ?? [],
    dissolvedOn: a.dissolvedOn ?? null,
    establishedOn: a.establishedOn ?? null,
    sources: a.sources,
    searchText: foldVietnamese([a.name, ...a.aliases].join(' ')),
  }));

  const currentAgencies = currentAgencyResolver(data.agencies);
  const today = (ids: string[]): string[] => [...new Set(ids.flatMap(currentAgencies))];
  const directiveDates = new Map(data.directives.map((d) => [d.id, d.date ?? null]));
  const directives: DirectiveDocument[] = data.directives.map((d) => ({
    _id: d.id,
    idKey: directiveIdKey(d.id),
    number: d.number,
    numberAsPrinted: d.numberAsPrinted ?? null,
    kind: d.kind,
    title: d.title,
    issuerAgencyId: d.issuerAgencyId ?? null,
    signer: d.signer ?? null,
    date: d.date ?? null,
    dateSort: d.date ?? '',
    dateText: d.dateText ?? null,
    provinceId: d.provinceCode ? provinceId.before(d.provinceCode) : null,
    inCorpus: d.inCorpus,
    files: d.files,
    implementsIds: d.implements,
    citesIds: [...new Set(d.cites.map((c) => c.directiveId))],
    citations: d.cites,
    citedAs: d.citedAs ?? [],
    tasks: d.tasks.map((t) => ({
      number: t.number,
      text: t.text,
      addresseeAgencyIds: t.addresseeAgencyIds,
      addresseeText: t.addresseeText ?? null,
      due: t.due ?? null,
      source: t.source,
    })),
    ambiguities: d.ambiguities ?? [],
    corrections: d.corrections ?? [],
    searchText: foldVietnamese(`${d.id} ${d.number} ${d.title}`),
  }));

  const milestones: MilestoneDocument[] = data.milestones.map((m) => ({
    _id: m.id,
    directiveId: m.directiveId,
    serviceId: m.serviceId,
    item: m.item,
    parentId: m.parentId ?? null,
    order: m.order,
    section: m.section ?? null,
    group: m.group ?? null,
    nameAsPrinted: m.nameAsPrinted,
    level: m.level ?? null,
    levelText: m.levelText ?? null,
    leadAgencyIds: m.leadAgencyIds,
    leadText: m.leadText ?? null,
    coordinatingAgencyIds: m.coordinatingAgencyIds,
    coordinatingText: m.coordinatingText ?? null,
    localityText: m.localityText ?? null,
    allProvinces: m.allProvinces,
    provinceIds: (m.provinceCodes ?? []).map(provinceId.before),
    due: m.due ?? null,
    carriedOver: m.carriedOver,
    status: m.status
      ? {
          text: m.status.text,
          asOf: m.status.asOf,
          state: m.status.state,
          counts: (m.status.counts ?? []).map((c) => ({ ...c, percentText: c.percentText ?? null })),
          doneProvinceIds: (m.status.doneProvinceCodes ?? []).map(provinceId.before),
          pendingProvinceIds: (m.status.pendingProvinceCodes ?? []).map(provinceId.before),
          pilotProvinceIds: (m.status.pilotProvinceCodes ?? []).map(provinceId.before),
        }
      : null,
    directiveDate: directiveDates.get(m.directiveId) ?? null,
    leadAgencyTodayIds: today(m.leadAgencyIds),
    coordinatingAgencyTodayIds: today(m.coordinatingAgencyIds),
    statusState: m.status?.state ?? null,
    statusAsOf: m.status?.asOf ?? null,
    doneProvinceIds: (m.status?.doneProvinceCodes ?? []).map(provinceId.before),
    pilotProvinceIds: (m.status?.pilotProvinceCodes ?? []).map(provinceId.before),
    dueYear: m.due ? Number(m.due.end.slice(0, 4)) : null,
    dueQuarter: m.due ? `${m.due.end.slice(0, 4)}-Q${Math.ceil(Number(m.due.end.slice(5, 7)) / 3)}` : null,
    // An undated report (BC-VPCP-2024-05) sorts by the date its statuses are read as of.
    sortDocument: `${directiveDates.get(m.directiveId) ?? m.status?.asOf ?? '0000-00-00'}|${m.directiveId}|${String(m.order).padStart(6, '0')}`,
    sortDue: `${m.due?.end ?? '9999-12-31'}|${m.due?.start ?? ''}`,
    sortName: fold(m.nameAsPrinted),
    sectionText: fold(`${m.section ?? ''} ${m.group ?? ''}`),
    reconstructed: m.reconstructed ?? null,
    ambiguities: m.ambiguities ?? [],
    corrections: m.corrections ?? [],
    source: m.source,
    searchText: fold(m.nameAsPrinted),
  }));

  const partOf = new Map<string, string[]>();
  for (const s of data.services) for (const c of s.componentIds ?? []) partOf.set(c, [...(partOf.get(c) ?? []), s.id]);
  // Grouped once, in input order (a filter per service was O(services × milestones)).
  const milestonesOf = new Map<string, SeedMilestone[]>();
  for (const m of data.milestones) {
    const group = milestonesOf.get(m.serviceId);
    if (group) group.push(m);
    else milestonesOf.set(m.serviceId, [m]);
  }
  const services: ServiceDocument[] = data.services.map((s) => {
    const own = milestonesOf.get(s.id) ?? [];
    const dates = own
      .map((m) => directiveDates.get(m.directiveId))
      .filter((d): d is string => Boolean(d))
      .sort();
    return {
      _id: s.id,
      name: s.name,
      names: own.map((m) => ({ directiveId: m.directiveId, milestoneId: m.id, name: m.nameAsPrinted })),
      componentIds: s.componentIds ?? [],
      scopeNote: s.scopeNote ?? null,
      directiveIds: [...new Set(own.map((m) => m.directiveId))],
      partOfIds: partOf.get(s.id) ?? [],
      firstDate: dates[0] ?? '',
      sortName: fold(s.name),
      searchText: foldJoined([s.name, ...own.map((m) => m.nameAsPrinted)]),
    };
  });

  return { provinces, agencies, directives, services, milestones };
}

/**
 * FerretDB 1.24 never answers an `update` command that carries more than 100
 * statements (seen here: 123 replaceOne upserts hang, 100 pass), so bulk writes
 * go in batches of 100 on every database.
 */
export const BULK_WRITE_BATCH = 100;

async function upsertAll<T extends { _id: string }>(collection: Collection<T>, docs: T[]): Promise<void> {
  for (let start = 0; start < docs.length; start += BULK_WRITE_BATCH) {
    const operations: AnyBulkWriteOperation<T>[] = docs.slice(start, start + BULK_WRITE_BATCH).map((doc) => ({
      replaceOne: { filter: { _id: doc._id } as Filter<T>, replacement: doc as WithoutId<T>, upsert: true },
    }));
    await collection.bulkWrite(operations, { ordered: false });
  }
}

export interface SeedSummary {
  provinces: number;
  agencies: number;
  directives: number;
  services: number;
  milestones: number;
}

/**
 * Validates the curated seed data and writes it. Idempotent: documents are
 * replaced by id, so running it twice leaves the same catalogue.
 */
export async function loadSeedData(db: CatalogueCollections, data: SeedData = readSeedData()): Promise<SeedSummary> {
  const problems = validateSeedData(data);
  if (problems.length > 0) throw new Error(`Seed data is inconsistent (${problems.length} problem(s)):\n- ${problems.slice(0, 20).join('\n- ')}`);
  const docs = toDocuments(data);
  await upsertAll(db.provinces, docs.provinces);
  await upsertAll(db.agencies, docs.agencies);
  await upsertAll(db.directives, docs.directives);
  await upsertAll(db.services, docs.services);
  await upsertAll(db.milestones, docs.milestones);
  return {
    provinces: docs.provinces.length,
    agencies: docs.agencies.length,
    directives: docs.directives.length,
    services: docs.services.length,
    milestones: docs.milestones.length,
  };
}

/** True when no catalogue data has been loaded yet (fresh database). */
export async function isCatalogueEmpty(db: CatalogueCollections): Promise<boolean> {
  return (await db.provinces.estimatedDocumentCount()) === 0 && (await db.directives.estimatedDocumentCount()) === 0;
}
