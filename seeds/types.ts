/**
 * The shape of the curated seed files in `seeds/data/`. These files are written
 * by hand from the five source documents (see seeds/README.md); every record
 * carries a `source` so a reader can check it against the document.
 *
 * Conventions shared by all files:
 * - Directive ids are the official number/symbol as printed, NFC-normalised,
 *   with a single "/" and no spaces: "406/QĐ-TTg", "2348/VPCP-KSTT", "131/NQ-CP".
 *   The May 2024 report has no number: its id is "BC-VPCP-2024-05".
 * - Agency ids are ASCII slugs of the agency's full official name (accents removed,
 *   "đ" → "d", lower case, words joined by "-"): "bo-ke-hoach-va-dau-tu",
 *   "van-phong-chinh-phu", "uy-ban-nhan-dan-tinh-kien-giang".
 * - Province codes are the 2-digit GSO codes of the 63 units before 1 July 2025
 *   (`provinces-before-2025-07.csv`), since the documents (2021–2024) name those.
 * - Dates are ISO "YYYY-MM-DD". Text fields keep the Vietnamese exactly as printed,
 *   except for obvious extraction slips, which are fixed and listed in `corrections`.
 */

/** Where a record comes from: the file in shared/seeds and the item or lines in it. */
export interface SeedSource {
  /** File name in shared/seeds, e.g. "003_bf8e1765ac58321a.txt". */
  file: string;
  /** Item number as printed ("37", "10.1", "II.05"), task number, or a section name. */
  item?: string;
  /** 1-based line range in the file, e.g. "120-134". */
  lines?: string;
}

/** A parsed deadline: the text as printed plus the date range it denotes. */
export interface SeedDue {
  /** As printed: "Quý II/2021", "Tháng 8/2024", "chậm nhất đến tháng 9 năm 2023". */
  text: string;
  /** First day of the range (inclusive). */
  start: string;
  /** Last day of the range (inclusive). */
  end: string;
}

export type SeedDirectiveKind =
  | 'QUYET_DINH' // Quyết định
  | 'CONG_VAN' // Công văn
  | 'BAO_CAO' // Báo cáo
  | 'NGHI_QUYET' // Nghị quyết
  | 'CHI_THI' // Chỉ thị
  | 'NGHI_DINH' // Nghị định
  | 'THONG_TU' // Thông tư
  | 'LUAT' // Luật
  | 'DE_AN' // Đề án (when cited only by name)
  | 'OTHER';

export interface SeedCitation {
  /** Id of the cited directive (must exist in directives.json or directives-cited.json). */
  directiveId: string;
  /** The citing sentence or phrase, as printed (trimmed to the relevant part). */
  context: string;
  source: SeedSource;
}

export interface SeedTask {
  /** Task number as printed: "1", "2", "3.a". */
  number: string;
  /** The instruction as printed (may be shortened with "..." only at the end). */
  text: string;
  /** Agencies the task addresses (agency ids). */
  addresseeAgencyIds: string[];
  /** Addressees as printed, when they are a group ("Các sở, ban, ngành tỉnh"). */
  addresseeText?: string;
  due?: SeedDue;
  source: SeedSource;
}

export interface SeedDirective {
  id: string;
  /** Number/symbol as printed, "" when blank in the document. */
  number: string;
  kind: SeedDirectiveKind;
  /** "V/v ..." line or "Phê duyệt ..." line, or the name the citing text uses. */
  title: string;
  /** Agency id of the issuing body (e.g. "thu-tuong-chinh-phu", "van-phong-chinh-phu"). */
  issuerAgencyId?: string;
  signer?: { name: string; capacity: string };
  /** Date of signing, when known. */
  date?: string;
  /** As printed, when the date is partial or blank ("ngày ... tháng 5 năm 2024"). */
  dateText?: string;
  /** Old province code for local documents (1895/VP-HCC → "91"). */
  provinceCode?: string;
  /** True for the five documents in shared/seeds; false for documents only cited. */
  inCorpus: boolean;
  /** Files in shared/seeds that hold this document's text (empty when cited-only). */
  files: string[];
  /** Directive ids this document implements (1895/VP-HCC → ["406/QĐ-TTg"]). */
  implements: string[];
  cites: SeedCitation[];
  tasks: SeedTask[];
  /** For cited-only directives: what each citing document says about it. */
  citedAs?: Array<{ byDirectiveId: string; text: string; source: SeedSource }>;
  /** Places where the document is unclear and what was decided. */
  ambiguities?: string[];
  /** Extraction slips fixed: { printed, corrected }. */
  corrections?: Array<{ printed: string; corrected: string }>;
}

export type SeedAgencyKind =
  | 'GOVERNMENT' // Chính phủ, Thủ tướng Chính phủ
  | 'MINISTRY' // Bộ, cơ quan ngang bộ
  | 'GOVERNMENT_AGENCY' // cơ quan thuộc Chính phủ (Bảo hiểm xã hội Việt Nam, ...)
  | 'STATE_ENTERPRISE' // Tập đoàn, Tổng công ty nhà nước
  | 'JUDICIARY' // Tòa án, Viện kiểm sát
  | 'PROVINCIAL_COMMITTEE' // Ủy ban nhân dân tỉnh/thành phố (one or "các tỉnh" collective)
  | 'PROVINCIAL_DEPARTMENT' // Sở, Văn phòng UBND tỉnh, Công an tỉnh, ...
  | 'OTHER';

export interface SeedAgency {
  id: string;
  /** Full official name at the time of the documents. */
  name: string;
  /** Short names and aliases as written in the documents or in common use: "BCA", "Bộ KH&ĐT". */
  aliases: string[];
  kind: SeedAgencyKind;
  /** For provincial bodies: old province code; absent for national agencies. */
  provinceCode?: string;
  /** True for a collective addressee such as "UBND các tỉnh, thành phố trực thuộc trung ương". */
  collective?: boolean;
  /** Parent agency id (a department's ministry, a provincial office's committee). */
  parentId?: string;
  /** 2025 reorganisation: who took over this agency's work. */
  successors?: Array<{ agencyId: string; date: string; basis: string; note?: string }>;
  /** Date the agency ceased to exist, when it did. */
  dissolvedOn?: string;
  /** Date the agency was formed, for agencies created by the 2025 reorganisation. */
  establishedOn?: string;
  sources: SeedSource[];
}

export type SeedServiceLevel =
  | 'LEVEL_3' // Mức độ 3 (406/QĐ-TTg, 2021)
  | 'LEVEL_4' // Mức độ 4
  | 'FULL' // Toàn trình
  | 'PARTIAL'; // Một phần

export type SeedStatusState = 'DONE' | 'PARTIAL' | 'NOT_DONE';

export interface SeedStatus {
  /** The progress cell as printed. */
  text: string;
  /** Date of the report that gives this status. */
  asOf: string;
  state: SeedStatusState;
  /** Counts read from the text: "16/63" → { done: 16, total: 63, unit: "địa phương" }. */
  counts?: Array<{ done: number; total: number; unit: string; percentText?: string }>;
  /** Old province codes named as done / still pending / piloting. */
  doneProvinceCodes?: string[];
  pendingProvinceCodes?: string[];
  pilotProvinceCodes?: string[];
}

export interface SeedService {
  id: string;
  /** Canonical name (the most complete name among the documents). */
  name: string;
  /** Component services of an interconnected group (liên thông), by service id. */
  componentIds?: string[];
  /** How this service's scope relates to the names used in different documents. */
  scopeNote?: string;
}

export interface SeedMilestone {
  /** "<directiveId>#<item>", e.g. "406/QĐ-TTg#37", "206/QĐ-TTg#15@Tháng 8/2024" for phases. */
  id: string;
  directiveId: string;
  serviceId: string;
  /** Item number as printed ("01", "10.1", "II.05"). */
  item: string;
  /** Parent milestone id for sub-rows and dated phases. */
  parentId?: string;
  /** Order in the document, 1-based, across the directive. */
  order: number;
  /** Section heading as printed ("I. DỊCH VỤ CÔNG TRỰC TUYẾN ...") */
  section?: string;
  /** Group heading as printed ("Nhóm cá nhân", ...). */
  group?: string;
  /** Service name exactly as printed in this row (rows split across pages joined). */
  nameAsPrinted: string;
  level?: SeedServiceLevel;
  levelText?: string;
  leadAgencyIds: string[];
  leadText?: string;
  coordinatingAgencyIds: string[];
  coordinatingText?: string;
  /** Localities cell as printed. */
  localityText?: string;
  /** True when all provinces are in scope ("UBND các tỉnh, thành phố ..."). */
  allProvinces: boolean;
  /** Old province codes in scope when not all. */
  provinceCodes?: string[];
  due?: SeedDue;
  /** "Chuyển tiếp nhiệm vụ từ năm 2023" and similar. */
  carriedOver?: boolean;
  status?: SeedStatus;
  /** Set when the row's name was reconstructed (406 items 18, 19, 52): how and why. */
  reconstructed?: string;
  ambiguities?: string[];
  corrections?: Array<{ printed: string; corrected: string }>;
  source: SeedSource;
}
