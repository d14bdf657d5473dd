import type { SyntheticMetaDocument } from '../src/subgraphs/catalogue/documents';
import { foldVietnamese } from '../src/platform/fold';
import { currentAgencyResolver, type SeedData } from '../src/subgraphs/catalogue/seed/load';
import type { SeedAgency, SeedDirective, SeedDue, SeedMilestone, SeedService, SeedStatus } from '../src/subgraphs/catalogue/seed/schema';
import { mulberry32 } from '../src/platform/random';

/**
 * A deterministic synthetic catalogue for benchmarks (`npm run seed:synthetic`):
 * records in the seed format (seeds/schema.ts), built around the curated data
 * (its 63 + 34 provinces, 71 agencies and real directives), so they go through
 * the same validateSeedData and toDocuments as the curated files.
 *
 * Nothing here can pass for a real document: directive numbers start "SYN-" and
 * their titles say "(dữ liệu tổng hợp)", services are "svc-syn-<n>" and their names
 * end "(tổng hợp số <n>)", agencies added here are "syn-…", every record's source
 * is { file: "synthetic" }. Provinces and ministries are the real ones from the seeds.
 *
 * Pure: no database, no clock, no Math.random. The same options give the same
 * records, whatever the chunk size.
 */

/** Bump when the output for a given (services, seed) changes. */
export const SYNTHETIC_GENERATOR_VERSION = 1;
export const SYNTHETIC_MAX_SERVICES = 1_000_000;
/** Interconnected groups take their components from the same block, so chunk sizes are multiples of it. */
export const SYNTHETIC_BLOCK = 50;
export const SYNTHETIC_SOURCE_FILE = 'synthetic';

export interface SyntheticOptions {
  services: number;
  seed: number;
}

/** One chunk of services with all their milestones. */
export interface SyntheticChunk {
  services: SeedService[];
  milestones: SeedMilestone[];
  /** Per service (same order), the folded "<action> <object>" its name starts with. */
  phrases: string[];
}

export interface SyntheticCatalogue {
  options: SyntheticOptions;
  /** Synthetic provincial departments (the real agencies are not repeated). */
  agencies: SeedAgency[];
  /** Synthetic directives, oldest first (the real ones are not repeated). */
  directives: SeedDirective[];
  /** The services and their milestones, `size` services at a time; restartable, each run identical. */
  chunks(size?: number): Generator<SyntheticChunk>;
}

// ---------------------------------------------------------------------------
// Randomness: mulberry32 on a seed derived per stream, so streams are independent.

function hash32(text: string, seed: number): number {
  let h = (seed ^ 0x811c9dc5) >>> 0;
  for (let i = 0; i < text.length; i += 1) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  // murmur3 finaliser: neighbouring seeds give unrelated streams.
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

export class Random {
  private readonly next: () => number;
  constructor(seed: number, stream: string) {
    this.next = mulberry32(hash32(stream, seed >>> 0));
  }
  /** Uniform in [0, 1). */
  float(): number {
    return this.next();
  }
  /** Uniform whole number in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.float() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.float() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.float() * items.length)] as T;
  }
  /** An index drawn with the given relative weights. */
  weighted(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    let x = this.float() * total;
    for (let i = 0; i < weights.length; i += 1) {
      x -= weights[i] as number;
      if (x < 0) return i;
    }
    return weights.length - 1;
  }
  /** `k` distinct items in draw order (partial Fisher–Yates). */
  sample<T>(items: readonly T[], k: number): T[] {
    const pool = [...items];
    const n = Math.min(k, pool.length);
    for (let i = 0; i < n; i += 1) {
      const j = i + Math.floor(this.float() * (pool.length - i));
      [pool[i], pool[j]] = [pool[j] as T, pool[i] as T];
    }
    return pool.slice(0, n);
  }
}

// ---------------------------------------------------------------------------
// Vocabulary. Ministries are ids of real agencies in seeds/data/agencies.json
// (validateSeedData rejects any other); departments are the synthetic Sở below.

interface Department {
  key: string;
  name: string;
}
const DEPARTMENTS: readonly Department[] = [
  { key: 'tu-phap', name: 'Sở Tư pháp' },
  { key: 'xay-dung', name: 'Sở Xây dựng' },
  { key: 'tai-nguyen-va-moi-truong', name: 'Sở Tài nguyên và Môi trường' },
  { key: 'giao-thong-van-tai', name: 'Sở Giao thông vận tải' },
  { key: 'ke-hoach-va-dau-tu', name: 'Sở Kế hoạch và Đầu tư' },
  { key: 'lao-dong-thuong-binh-va-xa-hoi', name: 'Sở Lao động - Thương binh và Xã hội' },
  { key: 'y-te', name: 'Sở Y tế' },
  { key: 'giao-duc-va-dao-tao', name: 'Sở Giáo dục và Đào tạo' },
  { key: 'nong-nghiep-va-phat-trien-nong-thon', name: 'Sở Nông nghiệp và Phát triển nông thôn' },
  { key: 'thong-tin-va-truyen-thong', name: 'Sở Thông tin và Truyền thông' },
  { key: 'cong-thuong', name: 'Sở Công Thương' },
  { key: 'tai-chinh', name: 'Sở Tài chính' },
];

type Audience = 'PERSON' | 'BUSINESS';
interface Topic {
  object: string;
  actions: readonly string[];
  ministry: string;
  /** Key of the provincial department that handles it locally, if any. */
  department: string | null;
  audience: Audience;
  domain: string;
}

const LICENCE = ['Cấp', 'Cấp lại', 'Gia hạn', 'Điều chỉnh', 'Thu hồi'];
const t = (object: string, actions: readonly string[], ministry: string, department: string | null, audience: Audience, domain: string): Topic => ({
  object,
  actions,
  ministry,
  department,
  audience,
  domain,
});
const TOPICS: readonly Topic[] = [
  t('giấy phép lái xe', ['Cấp', 'Cấp lại', 'Cấp đổi', 'Thu hồi'], 'bo-giao-thong-van-tai', 'giao-thong-van-tai', 'PERSON', 'đường bộ'),
  t('giấy phép xây dựng', LICENCE, 'bo-xay-dung', 'xay-dung', 'PERSON', 'xây dựng'),
  t('giấy chứng nhận quyền sử dụng đất', ['Cấp', 'Cấp lại', 'Cấp đổi', 'Đính chính', 'Thu hồi'], 'bo-tai-nguyen-va-moi-truong', 'tai-nguyen-va-moi-truong', 'PERSON', 'đất đai'),
  t('chứng chỉ hành nghề khám bệnh, chữa bệnh', ['Cấp', 'Cấp lại', 'Điều chỉnh', 'Thu hồi'], 'bo-y-te', 'y-te', 'PERSON', 'khám bệnh, chữa bệnh'),
  t('chứng chỉ hành nghề dược', ['Cấp', 'Cấp lại', 'Điều chỉnh'], 'bo-y-te', 'y-te', 'PERSON', 'dược'),
  t('hộ chiếu phổ thông', ['Cấp', 'Cấp lại', 'Khôi phục giá trị sử dụng'], 'bo-cong-an', null, 'PERSON', 'xuất nhập cảnh'),
  t('chứng nhận đăng ký xe', ['Cấp', 'Cấp lại', 'Cấp đổi', 'Thu hồi'], 'bo-cong-an', null, 'PERSON', 'đăng ký, quản lý phương tiện'),
  t('phiếu lý lịch tư pháp', ['Cấp'], 'bo-tu-phap', 'tu-phap', 'PERSON', 'lý lịch tư pháp'),
  t('giấy xác nhận tình trạng hôn nhân', ['Cấp', 'Cấp lại'], 'bo-tu-phap', 'tu-phap', 'PERSON', 'hộ tịch'),
  t('bản sao trích lục hộ tịch', ['Cấp'], 'bo-tu-phap', 'tu-phap', 'PERSON', 'hộ tịch'),
  t('thẻ bảo hiểm y tế', ['Cấp', 'Cấp lại', 'Cấp đổi'], 'bao-hiem-xa-hoi-viet-nam', null, 'PERSON', 'bảo hiểm y tế'),
  t('giấy phép khai thác thủy sản', LICENCE, 'bo-nong-nghiep-va-phat-trien-nong-thon', 'nong-nghiep-va-phat-trien-nong-thon', 'PERSON', 'thủy sản'),
  t('chứng chỉ hành nghề môi giới bất động sản', ['Cấp', 'Cấp lại'], 'bo-xay-dung', 'xay-dung', 'PERSON', 'kinh doanh bất động sản'),
  t('bản sao văn bằng tốt nghiệp', ['Cấp', 'Chỉnh sửa nội dung'], 'bo-giao-duc-va-dao-tao', 'giao-duc-va-dao-tao', 'PERSON', 'văn bằng, chứng chỉ'),
  t('khai sinh', ['Đăng ký', 'Đăng ký lại'], 'bo-tu-phap', 'tu-phap', 'PERSON', 'hộ tịch'),
  t('khai tử', ['Đăng ký', 'Đăng ký lại'], 'bo-tu-phap', 'tu-phap', 'PERSON', 'hộ tịch'),
  t('kết hôn', ['Đăng ký', 'Đăng ký lại'], 'bo-tu-phap', 'tu-phap', 'PERSON', 'hộ tịch'),
  t('giám hộ', ['Đăng ký', 'Đăng ký chấm dứt'], 'bo-tu-phap', 'tu-phap', 'PERSON', 'hộ tịch'),
  t('thường trú', ['Đăng ký', 'Xóa đăng ký'], 'bo-cong-an', null, 'PERSON', 'cư trú'),
  t('tạm trú', ['Đăng ký', 'Xóa đăng ký', 'Gia hạn'], 'bo-cong-an', null, 'PERSON', 'cư trú'),
  t('biến động đất đai', ['Đăng ký'], 'bo-tai-nguyen-va-moi-truong', 'tai-nguyen-va-moi-truong', 'PERSON', 'đất đai'),
  t('dự thi tốt nghiệp trung học phổ thông', ['Đăng ký'], 'bo-giao-duc-va-dao-tao', 'giao-duc-va-dao-tao', 'PERSON', 'quản lý thi'),
  t('tham gia bảo hiểm xã hội tự nguyện', ['Đăng ký'], 'bao-hiem-xa-hoi-viet-nam', null, 'PERSON', 'bảo hiểm xã hội'),
  t('trợ cấp thất nghiệp', ['Giải quyết hưởng', 'Chuyển nơi hưởng', 'Tạm dừng hưởng'], 'bo-lao-dong-thuong-binh-va-xa-hoi', 'lao-dong-thuong-binh-va-xa-hoi', 'PERSON', 'việc làm'),
  t('chế độ thai sản', ['Giải quyết hưởng'], 'bao-hiem-xa-hoi-viet-nam', null, 'PERSON', 'bảo hiểm xã hội'),
  t(
    'trợ cấp xã hội hằng tháng',
    ['Giải quyết hưởng', 'Điều chỉnh mức hưởng', 'Thôi hưởng'],
    'bo-lao-dong-thuong-binh-va-xa-hoi',
    'lao-dong-thuong-binh-va-xa-hoi',
    'PERSON',
    'bảo trợ xã hội',
  ),
  t('trợ cấp mai táng', ['Giải quyết', 'Chi trả'], 'bo-lao-dong-thuong-binh-va-xa-hoi', 'lao-dong-thuong-binh-va-xa-hoi', 'PERSON', 'bảo trợ xã hội'),
  t('hỗ trợ đất ở, nhà ở cho hộ đồng bào dân tộc thiểu số', ['Giải quyết'], 'uy-ban-dan-toc', null, 'PERSON', 'công tác dân tộc'),
  t('lệ phí trước bạ nhà, đất', ['Khai, nộp'], 'bo-tai-chinh', 'tai-chinh', 'PERSON', 'thuế'),
  t('tiền điện', ['Thanh toán'], 'tap-doan-dien-luc-viet-nam', null, 'PERSON', 'điện'),
  t('viện phí', ['Thanh toán'], 'bo-y-te', 'y-te', 'PERSON', 'khám bệnh, chữa bệnh'),
  t('tiền phạt vi phạm hành chính về trật tự, an toàn giao thông', ['Nộp'], 'bo-cong-an', null, 'PERSON', 'xử lý vi phạm hành chính'),
  t('học phí', ['Thanh toán'], 'bo-giao-duc-va-dao-tao', 'giao-duc-va-dao-tao', 'PERSON', 'giáo dục'),
  t(
    'giấy chứng nhận đăng ký doanh nghiệp',
    ['Cấp', 'Cấp lại', 'Điều chỉnh', 'Thu hồi'],
    'bo-ke-hoach-va-dau-tu',
    'ke-hoach-va-dau-tu',
    'BUSINESS',
    'thành lập và hoạt động doanh nghiệp',
  ),
  t('giấy chứng nhận đăng ký đầu tư', ['Cấp', 'Điều chỉnh', 'Thu hồi'], 'bo-ke-hoach-va-dau-tu', 'ke-hoach-va-dau-tu', 'BUSINESS', 'đầu tư'),
  t(
    'hộ kinh doanh',
    ['Đăng ký thành lập', 'Đăng ký thay đổi nội dung đăng ký', 'Tạm ngừng kinh doanh của'],
    'bo-ke-hoach-va-dau-tu',
    'ke-hoach-va-dau-tu',
    'BUSINESS',
    'hộ kinh doanh',
  ),
  t('giấy phép kinh doanh vận tải bằng xe ô tô', ['Cấp', 'Cấp lại', 'Thu hồi'], 'bo-giao-thong-van-tai', 'giao-thong-van-tai', 'BUSINESS', 'vận tải'),
  t('giấy phép môi trường', ['Cấp', 'Cấp đổi', 'Điều chỉnh', 'Cấp lại'], 'bo-tai-nguyen-va-moi-truong', 'tai-nguyen-va-moi-truong', 'BUSINESS', 'môi trường'),
  t('giấy phép khai thác tài nguyên nước', ['Cấp', 'Gia hạn', 'Điều chỉnh', 'Cấp lại'], 'bo-tai-nguyen-va-moi-truong', 'tai-nguyen-va-moi-truong', 'BUSINESS', 'tài nguyên nước'),
  t(
    'giấy phép lao động cho người lao động nước ngoài',
    ['Cấp', 'Cấp lại', 'Gia hạn', 'Thu hồi'],
    'bo-lao-dong-thuong-binh-va-xa-hoi',
    'lao-dong-thuong-binh-va-xa-hoi',
    'BUSINESS',
    'việc làm',
  ),
  t(
    'giấy phép hoạt động dịch vụ việc làm',
    ['Cấp', 'Cấp lại', 'Gia hạn', 'Thu hồi'],
    'bo-lao-dong-thuong-binh-va-xa-hoi',
    'lao-dong-thuong-binh-va-xa-hoi',
    'BUSINESS',
    'việc làm',
  ),
  t('giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm', ['Cấp', 'Cấp lại'], 'bo-y-te', 'y-te', 'BUSINESS', 'an toàn thực phẩm'),
  t(
    'giấy phép thiết lập trang thông tin điện tử tổng hợp',
    ['Cấp', 'Sửa đổi, bổ sung', 'Gia hạn', 'Cấp lại'],
    'bo-thong-tin-va-truyen-thong',
    'thong-tin-va-truyen-thong',
    'BUSINESS',
    'thông tin điện tử',
  ),
  t('giấy phép bưu chính', ['Cấp', 'Sửa đổi, bổ sung', 'Cấp lại'], 'bo-thong-tin-va-truyen-thong', 'thong-tin-va-truyen-thong', 'BUSINESS', 'bưu chính'),
  t('giấy phép bán lẻ sản phẩm rượu', ['Cấp', 'Cấp sửa đổi, bổ sung', 'Cấp lại'], 'bo-cong-thuong', 'cong-thuong', 'BUSINESS', 'lưu thông hàng hóa'),
  t('giấy chứng nhận đủ điều kiện kinh doanh xăng dầu', ['Cấp', 'Cấp lại', 'Điều chỉnh'], 'bo-cong-thuong', 'cong-thuong', 'BUSINESS', 'xăng dầu'),
  t('nhãn hiệu', ['Đăng ký', 'Gia hạn hiệu lực văn bằng bảo hộ'], 'bo-khoa-hoc-va-cong-nghe', null, 'BUSINESS', 'sở hữu công nghiệp'),
  t('thuế lần đầu', ['Đăng ký'], 'bo-tai-chinh', 'tai-chinh', 'BUSINESS', 'thuế'),
  t('hoàn thuế giá trị gia tăng', ['Giải quyết'], 'bo-tai-chinh', 'tai-chinh', 'BUSINESS', 'thuế'),
  t('giấy chứng nhận cơ sở an toàn dịch bệnh động vật', ['Cấp', 'Cấp lại'], 'bo-nong-nghiep-va-phat-trien-nong-thon', 'nong-nghiep-va-phat-trien-nong-thon', 'BUSINESS', 'thú y'),
  t(
    'giấy chứng nhận đăng ký hoạt động giáo dục nghề nghiệp',
    ['Cấp', 'Cấp lại', 'Điều chỉnh'],
    'bo-lao-dong-thuong-binh-va-xa-hoi',
    'lao-dong-thuong-binh-va-xa-hoi',
    'BUSINESS',
    'giáo dục nghề nghiệp',
  ),
];

const QUALIFIERS: Record<Audience, readonly string[]> = {
  PERSON: ['', '', 'tại cấp xã', 'tại cấp huyện', 'tại cấp tỉnh', 'trường hợp thay đổi thông tin', 'đối với người đang cư trú ở nước ngoài', 'trực tuyến toàn trình'],
  BUSINESS: [
    '',
    '',
    'đối với doanh nghiệp',
    'đối với hợp tác xã',
    'đối với doanh nghiệp có vốn đầu tư nước ngoài',
    'đối với doanh nghiệp nhỏ và vừa',
    'tại cấp tỉnh',
    'trường hợp thay đổi thông tin',
  ],
};
const SECTIONS: Record<Audience, string> = {
  PERSON: 'I. NHÓM DỊCH VỤ CÔNG THIẾT YẾU CỦA CÁ NHÂN',
  BUSINESS: 'II. NHÓM DỊCH VỤ CÔNG THIẾT YẾU CỦA DOANH NGHIỆP',
};
/** The dated phases of a row, as 206/QĐ-TTg prints them. */
const PHASE_NAMES = [
  'Tái cấu trúc quy trình, trình cấp có thẩm quyền ban hành quy định thực hiện liên thông điện tử; công bố, công khai thủ tục hành chính',
  'Xây dựng hoặc hoàn thiện, tích hợp, cung cấp dịch vụ công trực tuyến trên Cổng Dịch vụ công quốc gia',
  'Tích hợp, đồng bộ thông tin tiếp nhận, xử lý hồ sơ với Hệ thống thông tin giải quyết thủ tục hành chính cấp tỉnh',
];
const COORDINATORS = ['van-phong-chinh-phu', 'bo-cong-an', 'bao-hiem-xa-hoi-viet-nam', 'bo-tai-chinh', 'bo-thong-tin-va-truyen-thong'];
const ALL_PROVINCES_AGENCY = 'uy-ban-nhan-dan-cac-tinh-thanh-pho-truc-thuoc-trung-uong';
const ALL_PROVINCES_TEXT = 'UBND các tỉnh, thành phố trực thuộc trung ương';
const ROMAN = ['I', 'II', 'III', 'IV'];
const LEVELS = [
  ['LEVEL_3', '3'],
  ['LEVEL_4', '4'],
  ['FULL', 'Toàn trình'],
  ['PARTIAL', 'Một phần'],
] as const;

type Kind = 'QUYET_DINH' | 'CONG_VAN' | 'BAO_CAO' | 'CHI_THI';
const KINDS: readonly Kind[] = ['QUYET_DINH', 'CONG_VAN', 'BAO_CAO', 'CHI_THI'];
const KIND_WEIGHTS = [0.5, 0.35, 0.08, 0.07];
/** Ministries that issue decisions of their own, with the symbol after the number. None was dissolved in 2025. */
const MINISTRY_ISSUERS: ReadonlyArray<[string, string]> = [
  ['bo-cong-an', 'QĐ-BCA'],
  ['bo-tu-phap', 'QĐ-BTP'],
  ['bo-tai-chinh', 'QĐ-BTC'],
  ['bo-xay-dung', 'QĐ-BXD'],
  ['bo-y-te', 'QĐ-BYT'],
  ['bo-giao-duc-va-dao-tao', 'QĐ-BGDĐT'],
  ['bo-cong-thuong', 'QĐ-BCT'],
];
/** Directive dates are drawn from this range (ISO days). */
const FIRST_DAY = '2019-01-01';
const LAST_DAY = '2026-09-30';

const slug = (text: string): string =>
  foldVietnamese(text)
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
const DAY_MS = 86_400_000;
const isoDay = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);
const dayOf = (iso: string): number => Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10))) / DAY_MS;
const pad2 = (n: number): string => String(n).padStart(2, '0');
const lastDayOfMonth = (year: number, month: number): number => new Date(Date.UTC(year, month, 0)).getUTCDate();

/** Quarter number q (0-based, counted from year 0) as a due range: "Quý III/2024". */
function quarterDue(q: number): SeedDue {
  const year = Math.floor(q / 4);
  const quarter = q % 4;
  const endMonth = quarter * 3 + 3;
  return { text: `Quý ${ROMAN[quarter]}/${year}`, start: `${year}-${pad2(quarter * 3 + 1)}-01`, end: `${year}-${pad2(endMonth)}-${pad2(lastDayOfMonth(year, endMonth))}` };
}
/** Month number m (0-based, counted from year 0) as a due range: "Tháng 8/2024". */
function monthDue(m: number): SeedDue {
  const year = Math.floor(m / 12);
  const month = (m % 12) + 1;
  return { text: `Tháng ${month}/${year}`, start: `${year}-${pad2(month)}-01`, end: `${year}-${pad2(month)}-${pad2(lastDayOfMonth(year, month))}` };
}
const monthIndex = (iso: string): number => Number(iso.slice(0, 4)) * 12 + Number(iso.slice(5, 7)) - 1;

interface DirectiveInfo {
  id: string;
  kind: Kind;
  date: string;
  year: number;
}

/**
 * The synthetic catalogue for `options`, around `real` (the curated seed data,
 * which supplies provinces, agencies and the real directives that synthetic
 * ones implement). Agencies and directives are built here; services and
 * milestones are generated lazily by `chunks()`.
 */
export function generateSyntheticCatalogue(options: SyntheticOptions, real: SeedData): SyntheticCatalogue {
  const { services: total, seed } = options;
  if (!Number.isInteger(total) || total < 1 || total > SYNTHETIC_MAX_SERVICES)
    throw new RangeError(`services must be a whole number from 1 to ${SYNTHETIC_MAX_SERVICES}, got ${total}`);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new RangeError(`seed must be a whole number from 0 to ${0xffffffff}, got ${seed}`);
  const sourceItem = (what: string): { file: string; item: string } => ({ file: SYNTHETIC_SOURCE_FILE, item: `seed=${seed} ${what}` });

  const realAgencies = new Map(real.agencies.map((a) => [a.id, a]));
  const agencyName = (id: string): string => realAgencies.get(id)?.name ?? departmentNames.get(id) ?? id;
  const today = currentAgencyResolver(real.agencies);
  /** The agency that does `id`'s work on `date`: itself, or its successor once dissolved (no anachronistic leads). */
  const agencyOn = (id: string, date: string): string => {
    const dissolved = realAgencies.get(id)?.dissolvedOn;
    return dissolved && date >= dissolved ? (today(id)[0] ?? id) : id;
  };

  // --- Provinces: the real old units only.
  const oldProvinces = real.provincesBefore;
  const oldCodes = oldProvinces.map((p) => p.code);
  const provinceName = new Map(oldProvinces.map((p) => [p.code, p.name]));
  const namesOf = (codes: string[]): string => codes.map((c) => provinceName.get(c) ?? c).join('; ');

  // --- Agencies: a synthetic department of each kind in each old province, unless the seeds already hold it.
  const realNames = new Set(real.agencies.map((a) => foldVietnamese(a.name)));
  const agencies: SeedAgency[] = [];
  const departmentNames = new Map<string, string>();
  const departmentId = new Map<string, string>(); // "<key>|<code>" → id
  for (const province of oldProvinces) {
    const where = `${province.kind === 'tỉnh' ? 'tỉnh' : 'thành phố'} ${province.name}`;
    for (const department of DEPARTMENTS) {
      const name = `${department.name} ${where}`;
      if (realNames.has(foldVietnamese(name))) continue;
      const id = `syn-${slug(name)}`;
      agencies.push({
        id,
        name,
        aliases: [],
        kind: 'PROVINCIAL_DEPARTMENT',
        provinceCode: province.code,
        sources: [sourceItem(`provincial department ${department.key} ${province.code}`)],
      });
      departmentNames.set(id, name);
      departmentId.set(`${department.key}|${province.code}`, id);
    }
  }

  // --- Directives: about one per 25 services, at least 4, dated in order.
  const directiveRandom = new Random(seed, 'directives');
  const count = Math.max(4, Math.round(total / 25));
  const first = dayOf(FIRST_DAY);
  const span = dayOf(LAST_DAY) - first + 1;
  const days = Array.from({ length: count }, () => first + Math.floor(directiveRandom.float() * span)).sort((a, b) => a - b);
  const realTargets = real.directives.filter((d) => d.date && ['QUYET_DINH', 'NGHI_QUYET', 'CHI_THI', 'NGHI_DINH', 'DE_AN'].includes(d.kind));
  const infos: DirectiveInfo[] = [];
  const directives: SeedDirective[] = [];
  for (let i = 0; i < count; i += 1) {
    const n = i + 1;
    const date = isoDay(days[i] as number);
    const year = Number(date.slice(0, 4));
    const kind = KINDS[directiveRandom.weighted(KIND_WEIGHTS)] as Kind;
    let issuer: string;
    let symbol: string;
    let title: string;
    if (kind === 'QUYET_DINH' && directiveRandom.chance(0.3)) {
      [issuer, symbol] = directiveRandom.pick(MINISTRY_ISSUERS);
      title = `Phê duyệt phương án tái cấu trúc quy trình, cung cấp dịch vụ công trực tuyến thuộc phạm vi quản lý của ${agencyName(issuer)}`;
    } else if (kind === 'QUYET_DINH') {
      [issuer, symbol] = ['thu-tuong-chinh-phu', 'QĐ-TTg'];
      title = `Phê duyệt danh mục dịch vụ công trực tuyến tích hợp, cung cấp trên Cổng Dịch vụ công quốc gia năm ${year} (đợt ${directiveRandom.int(1, 4)})`;
    } else if (kind === 'CONG_VAN') {
      [issuer, symbol] = ['van-phong-chinh-phu', 'VPCP-KSTT'];
      title = directiveRandom.pick([
        'V/v đôn đốc tái cấu trúc quy trình, cung cấp dịch vụ công trực tuyến toàn trình',
        'V/v tình hình triển khai dịch vụ công trực tuyến trên Cổng Dịch vụ công quốc gia',
        'V/v đẩy nhanh tiến độ tích hợp, cung cấp dịch vụ công trực tuyến',
      ]);
    } else if (kind === 'BAO_CAO') {
      [issuer, symbol] = ['van-phong-chinh-phu', 'BC-VPCP'];
      title = `Báo cáo tình hình cung cấp dịch vụ công trực tuyến tháng ${Number(date.slice(5, 7))}/${year}`;
    } else {
      [issuer, symbol] = ['thu-tuong-chinh-phu', 'CT-TTg'];
      title = 'Về đẩy mạnh cung cấp dịch vụ công trực tuyến phục vụ người dân, doanh nghiệp';
    }
    const id = `SYN-${n}/${symbol}`;
    const implementsIds: string[] = [];
    const eligibleReal = realTargets.filter((d) => (d.date as string) <= date);
    if (eligibleReal.length > 0 && directiveRandom.chance(0.35)) implementsIds.push(directiveRandom.pick(eligibleReal).id);
    // Reports and letters follow up on earlier decisions; decisions sometimes build on earlier ones.
    if (i > 0 && directiveRandom.chance(kind === 'CONG_VAN' || kind === 'BAO_CAO' ? 0.6 : 0.3)) {
      for (let attempt = 0; attempt < 8; attempt += 1) {
        const earlier = infos[directiveRandom.int(0, i - 1)] as DirectiveInfo;
        if ((earlier.kind === 'QUYET_DINH' || earlier.kind === 'CHI_THI') && earlier.date <= date) {
          implementsIds.push(earlier.id);
          break;
        }
      }
    }
    const yearEnd = { text: `Năm ${year}`, start: `${year}-01-01`, end: `${year}-12-31` };
    directives.push({
      id,
      number: id,
      kind,
      title: `${title} (dữ liệu tổng hợp)`,
      issuerAgencyId: issuer,
      date,
      inCorpus: false,
      files: [],
      implements: implementsIds,
      cites: implementsIds.map((target) => ({ directiveId: target, context: `Thực hiện văn bản số ${target} (dữ liệu tổng hợp)`, source: sourceItem(`directive ${n} preamble`) })),
      tasks: [
        {
          number: '1',
          text: 'Các bộ, cơ quan ngang bộ, Ủy ban nhân dân các tỉnh, thành phố trực thuộc trung ương triển khai các nhiệm vụ tại Phụ lục kèm theo (dữ liệu tổng hợp).',
          addresseeAgencyIds: ['cac-bo-co-quan-ngang-bo', ALL_PROVINCES_AGENCY],
          addresseeText: 'Các bộ, cơ quan ngang bộ; UBND các tỉnh, thành phố trực thuộc trung ương',
          ...(kind === 'QUYET_DINH' || kind === 'CHI_THI' ? { due: yearEnd } : {}),
          source: sourceItem(`directive ${n} task 1`),
        },
      ],
      ambiguities: [`Synthetic record for benchmarks (generator version ${SYNTHETIC_GENERATOR_VERSION}, seed ${seed}): not an official document.`],
    });
    infos.push({ id, kind, date, year });
  }
  // Directive sizes vary as real ones do: a few large decisions, many short letters.
  const cumulative: number[] = [];
  let weightSum = 0;
  for (let i = 0; i < count; i += 1) {
    weightSum += 1 / (0.15 + directiveRandom.float());
    cumulative.push(weightSum);
  }
  const drawDirective = (random: Random): number => {
    const x = random.float() * weightSum;
    let lo = 0;
    let hi = count - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] as number) > x) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };

  function* chunks(size = 1000): Generator<SyntheticChunk> {
    if (!Number.isInteger(size) || size < SYNTHETIC_BLOCK || size % SYNTHETIC_BLOCK !== 0) throw new RangeError(`chunk size must be a multiple of ${SYNTHETIC_BLOCK}, got ${size}`);
    const random = new Random(seed, 'services');
    const orderIn = new Int32Array(count);
    const itemsIn = new Int32Array(count);
    /** Name (without the synthetic suffix) and topic of recent services, for interconnected groups. */
    const recent: Array<{ label: string; topic: Topic }> = [];

    for (let start = 1; start <= total; start += size) {
      const chunk: SyntheticChunk = { services: [], milestones: [], phrases: [] };
      for (let n = start; n <= Math.min(total, start + size - 1); n += 1) {
        const serviceId = `svc-syn-${n}`;
        // Every 50th service is an interconnected group of the two or three before it (same block, so same chunk).
        const group = n % SYNTHETIC_BLOCK === 0 && recent.length >= 3;
        let label: string;
        let topic: Topic;
        let phrase: string;
        const service: SeedService = { id: serviceId, name: '' };
        if (group) {
          const parts = recent.slice(random.chance(0.4) ? -3 : -2);
          topic = (parts[0] as { topic: Topic }).topic;
          label = `Nhóm thủ tục liên thông: ${parts.map((p) => p.label.charAt(0).toLowerCase() + p.label.slice(1)).join('; ')}`;
          phrase = 'nhom thu tuc lien thong';
          service.componentIds = parts.map((_, k) => `svc-syn-${n - parts.length + k}`);
          service.scopeNote = 'Synthetic interconnected group (liên thông) of the services listed as its components.';
        } else {
          topic = random.pick(TOPICS);
          const action = random.pick(topic.actions);
          const qualifier = random.pick(QUALIFIERS[topic.audience]);
          phrase = foldVietnamese(`${action} ${topic.object}`);
          label = `${action} ${topic.object}${qualifier ? ` ${qualifier}` : ''}`;
        }
        service.name = `${label} (tổng hợp số ${n})`;
        recent.push({ label, topic });
        if (recent.length > 3) recent.shift();
        chunk.services.push(service);
        chunk.phrases.push(phrase);

        // 1–6 distinct directives, in date order.
        const rows = Math.min(count, 1 + random.weighted([1, 2, 3, 3, 2, 1]));
        const chosen = new Set<number>();
        while (chosen.size < rows) chosen.add(drawDirective(random));
        for (const d of [...chosen].sort((a, b) => a - b)) {
          const directive = infos[d] as DirectiveInfo;
          itemsIn[d] = (itemsIn[d] as number) + 1;
          orderIn[d] = (orderIn[d] as number) + 1;
          const item = String(itemsIn[d]);
          const id = `${directive.id}#${item}`;
          const report = directive.kind === 'CONG_VAN' || directive.kind === 'BAO_CAO';
          const row: SeedMilestone = {
            id,
            directiveId: directive.id,
            serviceId,
            item,
            order: orderIn[d] as number,
            nameAsPrinted: random.chance(0.8) ? service.name : `${service.name} trên Cổng Dịch vụ công quốc gia`,
            leadAgencyIds: [],
            coordinatingAgencyIds: [],
            allProvinces: false,
            carriedOver: false,
            source: sourceItem(`service=${n} row=${item}`),
          };
          if (directive.kind !== 'BAO_CAO' && random.chance(0.7)) {
            row.section = SECTIONS[topic.audience];
            if (random.chance(0.6)) row.group = `Lĩnh vực ${topic.domain}`;
          }
          if (random.chance(0.85)) {
            // The 2021 documents use levels 3 and 4; later ones full (toàn trình) or partial (một phần).
            const [level, levelText] = directive.date < '2022-01-01' ? (random.chance(0.5) ? LEVELS[0] : LEVELS[1]) : random.chance(0.75) ? LEVELS[2] : LEVELS[3];
            row.level = level;
            row.levelText = levelText;
          }
          // Scope: everywhere, some named provinces, or unstated.
          const scope = random.float();
          if (scope < 0.4) {
            row.allProvinces = true;
            row.localityText = ALL_PROVINCES_TEXT;
          } else if (scope < 0.65) {
            row.provinceCodes = random.sample(oldCodes, random.int(1, 9));
            row.localityText = `UBND: ${namesOf(row.provinceCodes)}`;
          }
          // Lead: the topic's ministry as it was on the directive's date, or the province's department for a one-province row.
          const local = row.provinceCodes?.length === 1 && topic.department ? departmentId.get(`${topic.department}|${row.provinceCodes[0]}`) : undefined;
          const lead = local && random.chance(0.5) ? local : agencyOn(topic.ministry, directive.date);
          row.leadAgencyIds = [lead];
          row.leadText = agencyName(lead);
          const pool = row.allProvinces ? [...COORDINATORS, ALL_PROVINCES_AGENCY] : COORDINATORS;
          const coordinating = [...new Set(random.sample(pool, random.weighted([0.3, 0.45, 0.25])).map((a) => agencyOn(a, directive.date)))].filter((a) => a !== lead);
          row.coordinatingAgencyIds = coordinating;
          if (coordinating.length > 0) row.coordinatingText = coordinating.map(agencyName).join(', ');
          // Deadlines: quarters in decisions and directives, months in some letters, none in reports.
          const directiveMonth = monthIndex(directive.date);
          if ((directive.kind === 'QUYET_DINH' || directive.kind === 'CHI_THI') && random.chance(0.9)) {
            const due = quarterDue(Math.floor(directiveMonth / 3) + random.int(0, 5));
            if (directive.kind === 'QUYET_DINH' && random.chance(0.12)) {
              due.text = `${due.text} (Chuyển tiếp nhiệm vụ từ năm ${directive.year - 1})`;
              row.carriedOver = true;
            }
            row.due = due;
          } else if (directive.kind === 'CONG_VAN' && random.chance(0.3)) {
            row.due = monthDue(directiveMonth + random.int(1, 4));
          }
          if (report) row.status = rowStatus(random, directive.date);
          chunk.milestones.push(row);

          // 0–3 dated phases (giai đoạn), right after their row, as in 206/QĐ-TTg.
          const phases = random.weighted([2, 2, 3, 4]);
          const firstMonth = directiveMonth + 1;
          const lastMonth = Math.max(firstMonth, row.due ? monthIndex(row.due.end) : firstMonth + 9);
          for (let k = 1; k <= phases; k += 1) {
            orderIn[d] = (orderIn[d] as number) + 1;
            const label = `giai đoạn ${k}`;
            const phase: SeedMilestone = {
              id: `${id}@${label}`,
              directiveId: directive.id,
              serviceId,
              item,
              parentId: id,
              order: orderIn[d] as number,
              nameAsPrinted: PHASE_NAMES[(k - 1) % PHASE_NAMES.length] as string,
              leadAgencyIds: row.leadAgencyIds,
              coordinatingAgencyIds: row.coordinatingAgencyIds,
              allProvinces: row.allProvinces,
              due: monthDue(firstMonth + Math.floor(((lastMonth - firstMonth) * k) / phases)),
              carriedOver: false,
              source: sourceItem(`service=${n} row=${item} phase=${k}`),
            };
            if (row.provinceCodes) phase.provinceCodes = row.provinceCodes;
            if (row.status) phase.status = phaseStatus(random, row.status);
            chunk.milestones.push(phase);
          }
        }
      }
      yield chunk;
    }

    function rowStatus(random: Random, asOf: string): SeedStatus {
      const state = (['DONE', 'PARTIAL', 'NOT_DONE'] as const)[random.weighted([0.3, 0.45, 0.25])];
      if (state === 'DONE') return { text: 'Đã hoàn thành', asOf, state };
      if (state === 'NOT_DONE') return { text: random.pick(['Chưa hoàn thành', 'Chưa hoàn thành. Đang hoàn thiện quy trình, kết nối, tích hợp']), asOf, state };
      const unit = 'địa phương';
      switch (random.weighted([0.45, 0.25, 0.15, 0.15])) {
        case 0: {
          const codes = random.sample(oldCodes, random.int(3, 60));
          return {
            text: `Đã hoàn thành ${codes.length}/63 địa phương, gồm: ${namesOf(codes)}`,
            asOf,
            state,
            counts: [{ done: codes.length, total: 63, unit }],
            doneProvinceCodes: codes,
          };
        }
        case 1: {
          const codes = random.sample(oldCodes, random.int(1, 5));
          return {
            text: `Còn ${pad2(codes.length)} địa phương chưa hoàn thành: ${namesOf(codes)}`,
            asOf,
            state,
            counts: [{ done: 63 - codes.length, total: 63, unit }],
            pendingProvinceCodes: codes,
          };
        }
        case 2: {
          const codes = random.sample(oldCodes, random.int(1, 7));
          return { text: `Chưa hoàn thành. Đang thực hiện thí điểm tại: ${namesOf(codes)}`, asOf, state, pilotProvinceCodes: codes };
        }
        default:
          return { text: 'Đã triển khai, chưa đáp ứng mức độ toàn trình', asOf, state };
      }
    }

    function phaseStatus(random: Random, parent: SeedStatus): SeedStatus {
      if (parent.state === 'DONE') return { text: 'Đã hoàn thành', asOf: parent.asOf, state: 'DONE' };
      return random.chance(0.5) ? { text: 'Đã hoàn thành', asOf: parent.asOf, state: 'DONE' } : { text: 'Chưa hoàn thành', asOf: parent.asOf, state: 'NOT_DONE' };
    }
  }

  return { options: { services: total, seed }, agencies, directives, chunks };
}

// ---------------------------------------------------------------------------
// Samples: deterministic ids a benchmark can query, chosen from what was generated.

export type SyntheticSamples = SyntheticMetaDocument['samples'];

/**
 * Watches the milestones being loaded (curated ones too, so counts match what the
 * database holds) and picks typical ids: medians, not extremes, so a benchmark
 * measures an ordinary request.
 */
export class SyntheticSampler {
  private readonly directiveCounts = new Map<string, number>();
  private readonly leadCounts = new Map<string, number>();
  private readonly progressCounts = new Map<string, number>();
  private readonly currentOf: Map<string, string>;
  /** Milestones per service → how many services have that many, and the first ordinary one. */
  private readonly serviceHistogram = new Map<number, { services: number; first: string | undefined }>();
  private readonly phraseCounts = new Map<string, number>();

  constructor(
    catalogue: Pick<SyntheticCatalogue, 'directives'>,
    private readonly real: SeedData,
  ) {
    for (const d of catalogue.directives) this.directiveCounts.set(d.id, 0);
    this.currentOf = new Map(real.provincesBefore.map((p) => [p.code, p.merged_into_code]));
  }

  /** Every milestone stored, curated or synthetic. */
  observeMilestones(milestones: readonly SeedMilestone[]): void {
    for (const m of milestones) {
      const count = this.directiveCounts.get(m.directiveId);
      if (count !== undefined) this.directiveCounts.set(m.directiveId, count + 1);
      for (const id of m.leadAgencyIds) this.leadCounts.set(id, (this.leadCounts.get(id) ?? 0) + 1);
      const status = m.status;
      if (status) {
        const current = new Set<string>();
        for (const code of [...(status.doneProvinceCodes ?? []), ...(status.pendingProvinceCodes ?? []), ...(status.pilotProvinceCodes ?? [])]) {
          const to = this.currentOf.get(code);
          if (to) current.add(to);
        }
        for (const code of current) this.progressCounts.set(code, (this.progressCounts.get(code) ?? 0) + 1);
      }
    }
  }

  observeChunk(chunk: SyntheticChunk): void {
    this.observeMilestones(chunk.milestones);
    const perService = new Map<string, number>();
    for (const m of chunk.milestones) perService.set(m.serviceId, (perService.get(m.serviceId) ?? 0) + 1);
    chunk.services.forEach((s, i) => {
      const n = perService.get(s.id) ?? 0;
      const entry = this.serviceHistogram.get(n) ?? { services: 0, first: undefined };
      entry.services += 1;
      if (!entry.first && !s.componentIds) entry.first = s.id;
      this.serviceHistogram.set(n, entry);
      if (!s.componentIds) {
        const phrase = chunk.phrases[i] as string;
        this.phraseCounts.set(phrase, (this.phraseCounts.get(phrase) ?? 0) + 1);
      }
    });
  }

  samples(): SyntheticSamples {
    const median = <T>(entries: Array<[T, number]>, compare: (a: T, b: T) => number): [T, number] => {
      const sorted = [...entries].sort((a, b) => a[1] - b[1] || compare(a[0], b[0]));
      const chosen = sorted[Math.floor(sorted.length / 2)];
      if (!chosen) throw new Error('no synthetic records to sample');
      return chosen;
    };
    const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
    const [directiveId, directiveMilestones] = median([...this.directiveCounts], byString);

    // The median milestone count over services, and the first ordinary service with it (or the nearest count).
    const histogram = [...this.serviceHistogram].sort((a, b) => a[0] - b[0]);
    const services = histogram.reduce((sum, [, e]) => sum + e.services, 0);
    let seen = 0;
    let target = histogram[0]?.[0] ?? 0;
    for (const [n, e] of histogram) {
      seen += e.services;
      if (seen * 2 >= services) {
        target = n;
        break;
      }
    }
    const candidates = histogram.filter(([, e]) => e.first).sort((a, b) => Math.abs(a[0] - target) - Math.abs(b[0] - target) || a[0] - b[0]);
    const [serviceMilestones, { first: serviceId }] = candidates[0] ?? [0, { first: undefined }];
    if (!serviceId) throw new Error('no synthetic service to sample');

    const progress = this.real.provincesFrom.map((p): [string, number] => [p.code, this.progressCounts.get(p.code) ?? 0]);
    const [provinceCode, provinceProgressMilestones] = median(progress, byString);

    const [searchText, searchTextServices] = [...this.phraseCounts].sort((a, b) => b[1] - a[1] || byString(a[0], b[0]))[0] ?? ['', 0];

    const realIds = new Set(this.real.agencies.map((a) => a.id));
    const [leadAgencyId, leadAgencyMilestones] = median(
      [...this.leadCounts].filter(([id]) => realIds.has(id)),
      byString,
    );

    return {
      directiveId,
      directiveMilestones,
      serviceId,
      serviceMilestones,
      provinceCode,
      provinceProgressMilestones,
      searchText,
      searchTextServices,
      leadAgencyId,
      leadAgencyMilestones,
    };
  }
}
