/**
 * Stored document types: what the catalogue collections hold. GraphQL types map
 * onto these through codegen `mappers`, so resolvers receive documents and
 * field resolvers translate (`_id` → `id`, id arrays → loaded objects).
 *
 * Dates are ISO "YYYY-MM-DD" strings: they sort and compare correctly as
 * strings on both MongoDB and FerretDB, and carry no time zone surprises.
 */

export interface SourceRef {
  file: string;
  item?: string;
  lines?: string;
}

export interface DueDate {
  text: string;
  start: string;
  end: string;
}

export type DirectiveKind = 'QUYET_DINH' | 'CONG_VAN' | 'BAO_CAO' | 'NGHI_QUYET' | 'CHI_THI' | 'NGHI_DINH' | 'THONG_TU' | 'LUAT' | 'DE_AN' | 'OTHER';

export interface DirectiveDocument {
  /** Official number as printed ("406/QĐ-TTg"), or a stable id where the number is blank. */
  _id: string;
  /** Accent- and case-folded id, for lookups such as "406/qd-ttg". */
  idKey: string;
  /** Number and symbol normalised ("406/QĐ-TTg"); "" when blank or cited by name only. */
  number: string;
  /** As printed in the document's own heading ("406 /QĐ-TTg"); null for documents only cited. */
  numberAsPrinted: string | null;
  kind: DirectiveKind;
  title: string;
  issuerAgencyId: string | null;
  signer: { name: string; capacity: string } | null;
  date: string | null;
  /** `date`, or "" when unknown: a never-null sort key for keyset pagination. */
  dateSort: string;
  dateText: string | null;
  /** Province id (see ProvinceDocument) for local documents. */
  provinceId: string | null;
  inCorpus: boolean;
  files: string[];
  implementsIds: string[];
  citesIds: string[];
  citations: Array<{ directiveId: string; context: string; source: SourceRef }>;
  citedAs: Array<{ byDirectiveId: string; text: string; source: SourceRef }>;
  tasks: Array<{ number: string; text: string; addresseeAgencyIds: string[]; addresseeText: string | null; due: DueDate | null; source: SourceRef }>;
  ambiguities: string[];
  corrections: Array<{ printed: string; corrected: string }>;
  /** Folded title + number, for accent-insensitive search. */
  searchText: string;
}

export type AgencyKind = 'GOVERNMENT' | 'MINISTRY' | 'GOVERNMENT_AGENCY' | 'STATE_ENTERPRISE' | 'JUDICIARY' | 'PROVINCIAL_COMMITTEE' | 'PROVINCIAL_DEPARTMENT' | 'OTHER';

export interface AgencyDocument {
  _id: string;
  name: string;
  aliases: string[];
  kind: AgencyKind;
  provinceId: string | null;
  collective: boolean;
  parentId: string | null;
  successors: Array<{ agencyId: string; date: string; basis: string; note: string | null }>;
  /** Inverse of `successors`, filled by the loader. */
  predecessorIds: string[];
  dissolvedOn: string | null;
  establishedOn: string | null;
  sources: SourceRef[];
  searchText: string;
}

export type ProvinceEra = 'BEFORE_2025_07' | 'FROM_2025_07';

export interface ProvinceDocument {
  /** Era-qualified id, because codes repeat across eras: "63:91" (Kiên Giang, before July 2025), "34:91" (An Giang, now). */
  _id: string;
  code: string;
  name: string;
  kind: string;
  era: ProvinceEra;
  /** First and last day in force; null where the data does not say. */
  validFrom: string | null;
  validTo: string | null;
  /** 3-digit code used in citizen ID numbers (old units only). */
  cccdCode: string | null;
  mergedIntoId: string | null;
  formedFromIds: string[];
  administrativeCentre: string | null;
  searchText: string;
}

export type ServiceLevel = 'LEVEL_3' | 'LEVEL_4' | 'FULL' | 'PARTIAL';
export type StatusState = 'DONE' | 'PARTIAL' | 'NOT_DONE';

export interface ServiceDocument {
  _id: string;
  name: string;
  /** Every name the documents use for it, with where. */
  names: Array<{ directiveId: string; milestoneId: string; name: string }>;
  componentIds: string[];
  scopeNote: string | null;
  directiveIds: string[];
  /** Services that list this one among their components (inverse of componentIds). */
  partOfIds: string[];
  /** Date of the earliest directive naming it, "" when none is dated. */
  firstDate: string;
  /** Folded name, the NAME sort key. */
  sortName: string;
  searchText: string;
}

export interface MilestoneStatusDocument {
  text: string;
  asOf: string;
  state: StatusState;
  counts: Array<{ done: number; total: number; unit: string; percentText: string | null }>;
  doneProvinceIds: string[];
  pendingProvinceIds: string[];
  pilotProvinceIds: string[];
}

export interface MilestoneDocument {
  _id: string;
  directiveId: string;
  serviceId: string;
  item: string;
  parentId: string | null;
  order: number;
  section: string | null;
  group: string | null;
  nameAsPrinted: string;
  level: ServiceLevel | null;
  levelText: string | null;
  leadAgencyIds: string[];
  leadText: string | null;
  coordinatingAgencyIds: string[];
  coordinatingText: string | null;
  localityText: string | null;
  allProvinces: boolean;
  /** Province ids (old units) named in scope. */
  provinceIds: string[];
  due: DueDate | null;
  carriedOver: boolean;
  status: MilestoneStatusDocument | null;
  /** Date of the directive, copied for sorting and time-ordered timelines. */
  directiveDate: string | null;
  /** Lead and coordinating agencies as they are today (2025 succession applied), for breakdowns and filters. */
  leadAgencyTodayIds: string[];
  coordinatingAgencyTodayIds: string[];
  /**
   * Copies of status fields at the top level, for aggregation: FerretDB 1.24
   * mis-groups and mis-unwinds nested paths ("$status.state" groups as null).
   */
  statusState: StatusState | null;
  statusAsOf: string | null;
  doneProvinceIds: string[];
  pilotProvinceIds: string[];
  /** From `due.end`, for breakdowns (the local database has no date operators). */
  dueYear: number | null;
  dueQuarter: string | null;
  /** Keyset sort keys, never null: document date|directive|order, due end|..., folded name. */
  sortDocument: string;
  sortDue: string;
  sortName: string;
  /** Folded section + group headings, for the section filter. */
  sectionText: string;
  reconstructed: string | null;
  ambiguities: string[];
  corrections: Array<{ printed: string; corrected: string }>;
  source: SourceRef;
  searchText: string;
}

/**
 * What a synthetic benchmark catalogue (`npm run seed:synthetic`, seeds/synthetic.ts) holds.
 * Written last, after every document and index, so its presence means the load completed.
 */
export interface SyntheticMetaDocument {
  _id: 'synthetic';
  /** Bumped whenever the generator's output changes; a catalogue of another version is not comparable. */
  generatorVersion: number;
  seed: number;
  /** Synthetic services requested (--services). */
  services: number;
  /** Documents stored: the curated catalogue plus the synthetic records; `synthetic` counts the latter alone. */
  counts: {
    provinces: number;
    agencies: number;
    directives: number;
    services: number;
    milestones: number;
    synthetic: { agencies: number; directives: number; services: number; milestones: number };
  };
  /** ISO timestamp; the only clock value in a synthetic catalogue. */
  loadedAt: string;
  /** Deterministic ids for benchmarks to query, with the sizes they should see (counted over all stored milestones). */
  samples: {
    /** A synthetic directive of about median size, and its number of milestones. */
    directiveId: string;
    directiveMilestones: number;
    /** A synthetic service with a typical timeline (the median milestone count), and that count. */
    serviceId: string;
    serviceMilestones: number;
    /** A current (since July 2025) province code of median per-province progress, and the milestones whose progress note names it (or a unit it was formed from) as done, pending or piloting. */
    provinceCode: string;
    provinceProgressMilestones: number;
    /** The most common folded "<action> <object>" that synthetic service names start with ("cap lai giay phep lai xe"), and how many do (search may match a few more, e.g. groups naming it). */
    searchText: string;
    searchTextServices: number;
    /** A real agency of median frequency among the leads of milestones, and the milestones it leads as named then. */
    leadAgencyId: string;
    leadAgencyMilestones: number;
  };
}

/** Documents of the `meta` collection, keyed by what they describe. */
export type MetaDocument = SyntheticMetaDocument;

/** Parts of documents that GraphQL exposes as types of their own (codegen mappers). */
export type CitationEntry = DirectiveDocument['citations'][number];
export type CitedAsEntry = DirectiveDocument['citedAs'][number];
export type TaskEntry = DirectiveDocument['tasks'][number];
export type SuccessionEntry = AgencyDocument['successors'][number];
export type ServiceNameEntry = ServiceDocument['names'][number];
