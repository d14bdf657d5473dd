import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { deadlineRange, isCarriedOver } from '../seeds/deadline';
import { loadSeedData, readSeedData, toDocuments, validateSeedData, type SeedData } from '../src/subgraphs/catalogue/seed/load';
import { SeedDirective, SeedMilestone } from '../src/subgraphs/catalogue/seed/schema';
import { verifySeedSources } from '../seeds/verify';
import { foldVietnamese } from '../src/platform/fold';
import { openTestDatabase, type TestDatabase } from './support/database';

const SOURCES = resolve(__dirname, '..', 'seeds', 'sources');
const data = readSeedData();

function sourceLines(file: string): string[] {
  return readFileSync(join(SOURCES, file), 'utf8').split('\n');
}

/** Folded words of a source window, lines `from`..`to` (1-based, inclusive) widened by `margin`. */
function sourceWindow(file: string, lines: string, margin = 2): string {
  const [from, to = from] = lines.split('-').map(Number);
  const all = sourceLines(file);
  return foldVietnamese(
    all
      .slice(Math.max(0, (from ?? 1) - 1 - margin), (to ?? 1) + margin)
      .join(' ')
      .replace(/<[^>]+>/g, ' '),
  );
}

describe('curated seed data', () => {
  it('is consistent: unique ids, no dangling references, valid dates', () => {
    expect(validateSeedData(data)).toEqual([]);
  });

  it('holds the 63 old and 34 current provinces, each old one merged into a current one', () => {
    const docs = toDocuments(data);
    expect(docs.provinces.filter((p) => p.era === 'BEFORE_2025_07')).toHaveLength(63);
    expect(docs.provinces.filter((p) => p.era === 'FROM_2025_07')).toHaveLength(34);
    const kienGiang = docs.provinces.find((p) => p._id === '63:91');
    expect(kienGiang).toMatchObject({ name: 'Kiên Giang', mergedIntoId: '34:91' });
    expect(docs.provinces.find((p) => p._id === '34:91')).toMatchObject({ name: 'An Giang', formedFromIds: ['63:89', '63:91'] });
  });

  it('holds every item of 406/QĐ-TTg: 55 items and the sector sub-rows of item 11', () => {
    const rows = data.milestones.filter((m) => m.directiveId === '406/QĐ-TTg');
    const topLevel = rows.filter((m) => !m.parentId).map((m) => Number(m.item));
    expect(topLevel).toEqual(Array.from({ length: 55 }, (_, i) => i + 1));
    const subRows = rows.filter((m) => m.parentId === '406/QĐ-TTg#11');
    expect(subRows.length).toBeGreaterThan(1);
    for (const item of ['18', '19', '52']) expect(rows.find((m) => m.item === item)?.reconstructed).toEqual(expect.any(String));
  });

  const rowsOf = (directiveId: string) => data.milestones.filter((m) => m.directiveId === directiveId);
  const row = (id: string) => {
    const found = data.milestones.find((m) => m.id === id);
    if (!found) throw new Error(`no milestone ${id}`);
    return found;
  };

  it('holds every row of every appendix, in document order', () => {
    const counts = (id: string) => ({ top: rowsOf(id).filter((m) => !m.parentId).length, children: rowsOf(id).filter((m) => m.parentId).length });
    expect(counts('2348/VPCP-KSTT')).toEqual({ top: 9 + 19, children: 5 });
    expect(
      rowsOf('2348/VPCP-KSTT')
        .filter((m) => m.parentId)
        .map((m) => m.item),
    ).toEqual(['II.10.1', 'II.10.2', 'II.11.1', 'II.11.2', 'II.11.3']);
    expect(counts('BC-VPCP-2024-05')).toEqual({ top: 11, children: 0 });
    expect(counts('206/QĐ-TTg').top).toBe(28);
    // Items 15–28 of 206 have dated phases; 01–14 do not.
    const phased = new Set(
      rowsOf('206/QĐ-TTg')
        .filter((m) => m.parentId)
        .map((m) => row(m.parentId!).item),
    );
    expect([...phased].sort()).toEqual(Array.from({ length: 14 }, (_, i) => String(i + 15)));
    for (const id of ['406/QĐ-TTg', '2348/VPCP-KSTT', 'BC-VPCP-2024-05', '206/QĐ-TTg']) {
      expect(rowsOf(id).map((m) => m.order)).toEqual(rowsOf(id).map((_, i) => i + 1));
    }
  });

  it('links the household-business + tax registration group across four documents, each with its own lead and deadline', () => {
    const rows = data.milestones.filter((m) => m.serviceId === 'svc-406-37').map((m) => [m.id, m.leadAgencyIds, m.due?.text ?? null]);
    expect(rows).toEqual(
      expect.arrayContaining([
        ['406/QĐ-TTg#37', ['van-phong-chinh-phu'], 'Quý III/2021'],
        ['2348/VPCP-KSTT#II.05', ['bo-ke-hoach-va-dau-tu'], null],
        ['BC-VPCP-2024-05#03', ['bo-ke-hoach-va-dau-tu'], null],
        ['206/QĐ-TTg#01', ['bo-ke-hoach-va-dau-tu'], 'Quý I/2024 (Chuyển tiếp nhiệm vụ từ năm 2023)'],
      ]),
    );
    expect(row('206/QĐ-TTg#01')).toMatchObject({ carriedOver: true, due: { start: '2024-01-01', end: '2024-03-31' }, level: 'FULL' });
  });

  it('states carriedOver on every row, true exactly for the rows whose deadline says the task is carried over', () => {
    expect(data.milestones.filter((m) => m.carriedOver).map((m) => m.id)).toEqual([
      '406/QĐ-TTg#12',
      '406/QĐ-TTg#13',
      '406/QĐ-TTg#16',
      ...['01', '02', '03', '04', '05', '06', '07', '08'].map((item) => `206/QĐ-TTg#${item}`),
    ]);
    const { carriedOver: _omitted, ...withoutIt } = row('2348/VPCP-KSTT#II.05');
    expect(SeedMilestone.safeParse(withoutIt).success).toBe(false);
  });

  it('lists a step of an interconnected group as its component when the step is a service of its own, in 2021 as in 2023', () => {
    const services = new Map(toDocuments(data).services.map((s) => [s._id, s]));
    // 406 item 07 (birth – permanent residence – child health card) contains item 03 "Đăng ký thường trú".
    expect(services.get('svc-406-07')?.componentIds).toEqual(['svc-406-03']);
    expect(services.get('svc-406-03')?.partOfIds).toEqual(['svc-406-07']);
    expect(services.get('svc-2348-II.06')?.componentIds).toEqual(['svc-2348-I.09']);
  });

  it('reads the same words alike: "đang tổ chức triển khai" (being organised) is not done wherever it stands', () => {
    const organising = data.milestones.filter((m) => /đang tổ chức triển khai/iu.test(m.status?.text ?? ''));
    expect(organising.map((m) => [m.id, m.status?.state])).toEqual([
      ['2348/VPCP-KSTT#I.06', 'NOT_DONE'],
      ['2348/VPCP-KSTT#II.09', 'NOT_DONE'],
      ['BC-VPCP-2024-05#05', 'NOT_DONE'],
    ]);
    // The row above I.06 says the pilot "has been organised" (Đã tổ chức triển khai điểm): partly done.
    expect(row('2348/VPCP-KSTT#I.05').status?.state).toBe('PARTIAL');
  });

  it('keeps one printed cell per agency text in every table: coordinatingText only where the table has a Phối hợp column', () => {
    // 2348 part I and 206 have Chủ trì / Phối hợp columns; 406, 2348 part II and the May 2024 report one "Bộ, ngành" cell.
    const hasCoordinatingColumn = (m: SeedMilestone): boolean => m.directiveId === '206/QĐ-TTg' || (m.directiveId === '2348/VPCP-KSTT' && m.item.startsWith('I.'));
    const breaking = data.milestones.filter((m) => (m.coordinatingText !== undefined) !== (hasCoordinatingColumn(m) && !m.parentId)).map((m) => m.id);
    expect(breaking).toEqual([]);
    // Dated phases: their agency cells are merged with their row's.
    expect(data.milestones.filter((m) => m.id.includes('@') && (m.leadText ?? m.coordinatingText ?? m.localityText) !== undefined)).toEqual([]);
    expect(row('206/QĐ-TTg#13').coordinatingText).toMatch(/^Bộ Công an, Ủy ban nhân dân tỉnh/);
    expect(row('2348/VPCP-KSTT#II.09')).toMatchObject({
      leadText: 'Bộ Tư pháp chủ trì, phối hợp với Bộ Công an',
      coordinatingAgencyIds: ['bo-cong-an', 'uy-ban-nhan-dan-cac-tinh-thanh-pho-truc-thuoc-trung-uong'],
    });
    expect(row('2348/VPCP-KSTT#II.09').coordinatingText).toBeUndefined();
  });

  it('reads progress notes into counts and province lists', () => {
    expect(row('2348/VPCP-KSTT#II.03').status).toMatchObject({ asOf: '2023-04-07', state: 'PARTIAL', counts: [{ done: 16, total: 63 }] });
    // "Nam Định; Hà Giang; Tuyên Quang; Thừa Thiên Huế; Bình Định; Thanh Hoá; ..." — 16 named, codes from the GSO table.
    expect(row('2348/VPCP-KSTT#II.03').status?.doneProvinceCodes).toHaveLength(16);
    expect(row('2348/VPCP-KSTT#II.03').status?.doneProvinceCodes?.slice(0, 6)).toEqual(['36', '02', '08', '46', '52', '38']);
    expect(row('2348/VPCP-KSTT#I.09').status?.pendingProvinceCodes).toEqual(['31', '15']); // "UBND TP Hải Phòng; UBND tỉnh Yên Bái"
    expect(row('BC-VPCP-2024-05#09').status?.counts).toEqual([{ done: 12, total: 250, unit: 'thủ tục hành chính', percentText: '4,8%' }]);
    expect(row('BC-VPCP-2024-05#02').status?.counts?.[0]).toMatchObject({ done: 25, total: 63 });
    expect(row('BC-VPCP-2024-05#07').status?.pilotProvinceCodes).toEqual(['01', '79', '48', '10', '08', '51', '64']);
  });

  it('records the directives with their numbers, dates, signers and links', () => {
    const directive = (id: string) => data.directives.find((d) => d.id === id);
    expect(directive('406/QĐ-TTg')).toMatchObject({ kind: 'QUYET_DINH', date: '2021-03-22', inCorpus: true, signer: { name: 'Vũ Đức Đam' } });
    expect(directive('1895/VP-HCC')).toMatchObject({ kind: 'CONG_VAN', date: '2021-03-29', provinceCode: '91', implements: ['406/QĐ-TTg'] });
    expect(directive('2348/VPCP-KSTT')).toMatchObject({ date: '2023-04-07', signer: { name: 'Trần Văn Sơn' } });
    expect(directive('BC-VPCP-2024-05')).toMatchObject({ number: '', numberAsPrinted: '/BC-VPCP', kind: 'BAO_CAO' });
    expect(directive('BC-VPCP-2024-05')?.date).toBeUndefined();
    expect(directive('206/QĐ-TTg')).toMatchObject({ date: '2024-02-28' });
    // One convention for the number: normalised in `number`, as printed beside it, in every document of the corpus.
    expect(data.directives.filter((d) => d.inCorpus).map((d) => [d.id, d.number, d.numberAsPrinted])).toEqual([
      ['406/QĐ-TTg', '406/QĐ-TTg', '406 /QĐ-TTg'],
      ['1895/VP-HCC', '1895/VP-HCC', '1895 /VP-HCC'],
      ['2348/VPCP-KSTT', '2348/VPCP-KSTT', '2348/VPCP-KSTT'],
      ['BC-VPCP-2024-05', '', '/BC-VPCP'],
      ['206/QĐ-TTg', '206/QĐ-TTg', '206 /QĐ-TTg'],
    ]);
    expect(toDocuments(data).directives.find((d) => d._id === '206/QĐ-TTg')).toMatchObject({ number: '206/QĐ-TTg', numberAsPrinted: '206 /QĐ-TTg' });
    expect(directive('131/NQ-CP')).toMatchObject({ inCorpus: false, date: '2022-10-06' });
    expect(directive('2348/VPCP-KSTT')?.cites.map((c) => c.directiveId)).toEqual(expect.arrayContaining(['131/NQ-CP', '766/QĐ-TTg', '422/QĐ-TTg']));
  });

  it('refuses a directive that breaks a convention: a number not normalised, a corpus document without its printed number, a document cited twice', () => {
    const decision = data.directives.find((d) => d.id === '206/QĐ-TTg')!;
    const issues = (record: unknown): string[] => {
      const result = SeedDirective.safeParse(record);
      return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    };
    expect(issues(decision)).toEqual([]);
    expect(issues({ ...decision, number: '206 /QĐ-TTg' })).toEqual(expect.arrayContaining([expect.stringMatching(/^number: must be normalised/)]));
    expect(issues({ ...decision, numberAsPrinted: undefined })).toEqual([expect.stringMatching(/^numberAsPrinted: is required for the documents in the corpus/)]);
    expect(issues({ ...decision, number: '260/QĐ-TTg' })).toEqual(expect.arrayContaining([expect.stringMatching(/^number: must be numberAsPrinted normalised/)]));
    // One citation per cited document, in the citing record and in the cited one.
    const letter = data.directives.find((d) => d.id === '2348/VPCP-KSTT')!;
    expect(letter.cites.map((c) => c.directiveId)).toEqual([...new Set(letter.cites.map((c) => c.directiveId))]);
    expect(issues({ ...letter, cites: [...letter.cites, { ...letter.cites[0]!, source: { ...letter.cites[0]!.source, lines: '64-65' } }] })).toEqual([
      'cites: one entry per directive; repeated: 131/NQ-CP',
    ]);
    const resolution = data.directives.find((d) => d.id === '01/NQ-CP')!;
    expect(issues({ ...resolution, citedAs: [...resolution.citedAs!, resolution.citedAs![0]!] })).toEqual(['citedAs: one entry per directive; repeated: 406/QĐ-TTg']);
  });

  it('records the 2025 succession of ministries', () => {
    const agency = (id: string) => data.agencies.find((a) => a.id === id);
    expect(agency('bo-ke-hoach-va-dau-tu')?.successors?.map((s) => [s.agencyId, s.date])).toEqual([['bo-tai-chinh', '2025-03-01']]);
    expect(agency('bo-tai-nguyen-va-moi-truong')?.successors?.map((s) => s.agencyId)).toEqual(['bo-nong-nghiep-va-moi-truong']);
    expect(agency('bo-cong-an')?.aliases).toContain('BCA');
  });

  describe('seeds:verify', () => {
    it('passes on the curated data: every text field is printed in the lines its source names, every deadline range follows from its text', () => {
      const report = verifySeedSources(data, SOURCES);
      expect(report.problems).toEqual([]);
      expect(report.checked).toBe(report.exact + report.joined);
      expect(report.exact).toBeGreaterThan(report.joined);
      // Every milestone's name and every task's text at least; every deadline of rows and tasks.
      expect(report.checked).toBeGreaterThan(data.milestones.length + data.directives.flatMap((d) => d.tasks).length);
      expect(report.dates).toBe([...data.milestones.map((m) => m.due), ...data.directives.flatMap((d) => d.tasks.map((t) => t.due))].filter(Boolean).length);
    });

    it('reads a printed deadline as one date range, from the first day of its earliest period to the last day of its latest', () => {
      expect(deadlineRange('Quý II/2021')).toEqual({ start: '2021-04-01', end: '2021-06-30' });
      expect(deadlineRange('Tháng 11/2024')).toEqual({ start: '2024-11-01', end: '2024-11-30' });
      expect(deadlineRange('chậm nhất đến tháng 9 năm 2023')).toEqual({ start: '2023-09-01', end: '2023-09-30' });
      expect(deadlineRange('- Triển khai thí điểm tại 10 Bệnh viện trong quý II/2021 - Triển khai toàn quốc từ quý III/2021 đến Quý IV/2021')).toEqual({
        start: '2021-04-01',
        end: '2021-12-31',
      });
      // A bare year is not a deadline: the year a task is carried over from, the year of a law.
      expect(deadlineRange('Quý I/2021 (Chuyển tiếp nhiệm vụ từ năm 2020)')).toEqual({ start: '2021-01-01', end: '2021-03-31' });
      expect(deadlineRange('- Thí điểm … trong năm 2024\n- Thực hiện toàn quốc sau khi … sửa đổi, bổ sung Luật nghĩa vụ quân sự năm 2015')).toEqual({
        start: '2024-01-01',
        end: '2024-12-31',
      });
      expect(deadlineRange('Thực hiện toàn quốc sau khi đánh giá tác động')).toBeUndefined();
      expect(isCarriedOver('Quý I/2021 (Nhiệm vụ chuyển tiếp từ năm 2020)')).toBe(true);
      expect(isCarriedOver('Triển khai toàn quốc trong quý II/2021')).toBe(false);
    });

    /** One character changed: the first letter of the field's longest word becomes another letter ("nghiệp" → "xghiệp"). */
    function changeOneCharacter(text: string): string {
      const words = [...text.matchAll(/\p{L}+/gu)];
      const longest = words.reduce((a, b) => (b[0].length > a[0].length ? b : a));
      const at = longest.index ?? 0;
      const letter = text.charAt(at);
      const replacement = letter === letter.toLowerCase() ? (letter === 'x' ? 'y' : 'x') : letter === 'X' ? 'Y' : 'X';
      return `${text.slice(0, at)}${replacement}${text.slice(at + 1)}`;
    }
    const milestone = (d: SeedData, id: string): SeedMilestone => d.milestones.find((m) => m.id === id)!;
    const directive = (d: SeedData, id: string): SeedDirective => d.directives.find((x) => x.id === id)!;
    const task = (d: SeedData, id: string, number: string) => directive(d, id).tasks.find((t) => t.number === number)!;

    // [the change, the record and field the problem must name, how to make it]
    const changes: Array<[string, string, (d: SeedData) => void]> = [
      [
        'a milestone name as printed, one letter changed',
        'milestone 406/QĐ-TTg#07 nameAsPrinted',
        (d) => void (milestone(d, '406/QĐ-TTg#07').nameAsPrinted = changeOneCharacter(milestone(d, '406/QĐ-TTg#07').nameAsPrinted)),
      ],
      [
        'a level as printed, one letter changed',
        'milestone 2348/VPCP-KSTT#I.05 levelText',
        (d) => void (milestone(d, '2348/VPCP-KSTT#I.05').levelText = changeOneCharacter(milestone(d, '2348/VPCP-KSTT#I.05').levelText!)),
      ],
      [
        'a lead agency text, one letter changed',
        'milestone 406/QĐ-TTg#01 leadText',
        (d) => void (milestone(d, '406/QĐ-TTg#01').leadText = changeOneCharacter(milestone(d, '406/QĐ-TTg#01').leadText!)),
      ],
      // The issue's example: "Bộ Công an" → "Bộ Công a" used to pass, "a" being inside "an".
      ['a lead agency text, one letter dropped ("Bộ Công a")', 'milestone 406/QĐ-TTg#01 leadText', (d) => void (milestone(d, '406/QĐ-TTg#01').leadText = 'Bộ Công a')],
      [
        'a coordinating agency text, one letter changed',
        'milestone 206/QĐ-TTg#13 coordinatingText',
        (d) => void (milestone(d, '206/QĐ-TTg#13').coordinatingText = changeOneCharacter(milestone(d, '206/QĐ-TTg#13').coordinatingText!)),
      ],
      [
        'a locality text, one letter changed',
        'milestone 406/QĐ-TTg#12 localityText',
        (d) => void (milestone(d, '406/QĐ-TTg#12').localityText = changeOneCharacter(milestone(d, '406/QĐ-TTg#12').localityText!)),
      ],
      [
        'a deadline text, one letter changed',
        'milestone 406/QĐ-TTg#39 due.text',
        (d) => void (milestone(d, '406/QĐ-TTg#39').due!.text = changeOneCharacter(milestone(d, '406/QĐ-TTg#39').due!.text)),
      ],
      ['a deadline start, one digit changed', 'milestone 406/QĐ-TTg#13 due.start', (d) => void (milestone(d, '406/QĐ-TTg#13').due!.start = '2021-01-02')],
      ['a deadline end, one digit changed', 'milestone 206/QĐ-TTg#15@Tháng 8/2024 due.end', (d) => void (milestone(d, '206/QĐ-TTg#15@Tháng 8/2024').due!.end = '2024-08-30')],
      ['a carried-over flag, flipped', 'milestone 406/QĐ-TTg#14 carriedOver', (d) => void (milestone(d, '406/QĐ-TTg#14').carriedOver = true)],
      [
        'a status text, one letter changed',
        'milestone 2348/VPCP-KSTT#II.03 status.text',
        (d) => void (milestone(d, '2348/VPCP-KSTT#II.03').status!.text = changeOneCharacter(milestone(d, '2348/VPCP-KSTT#II.03').status!.text)),
      ],
      ['a status count, one digit changed', 'milestone 2348/VPCP-KSTT#II.14 status.counts[0]', (d) => void (milestone(d, '2348/VPCP-KSTT#II.14').status!.counts![0]!.total = 260)],
      [
        'a status count unit, one letter changed',
        'milestone 2348/VPCP-KSTT#I.07 status.counts[0]',
        (d) => void (milestone(d, '2348/VPCP-KSTT#I.07').status!.counts![0]!.unit = changeOneCharacter(milestone(d, '2348/VPCP-KSTT#I.07').status!.counts![0]!.unit)),
      ],
      [
        'a status percentage, one digit changed',
        'milestone 2348/VPCP-KSTT#II.14 status.counts[0].percentText',
        (d) => void (milestone(d, '2348/VPCP-KSTT#II.14').status!.counts![0]!.percentText = '4,9%'),
      ],
      [
        'a section heading, one letter changed',
        'milestone 406/QĐ-TTg#12 section',
        (d) => void (milestone(d, '406/QĐ-TTg#12').section = changeOneCharacter(milestone(d, '406/QĐ-TTg#12').section!)),
      ],
      [
        'a group heading, one letter changed',
        'milestone 2348/VPCP-KSTT#II.09 group',
        (d) => void (milestone(d, '2348/VPCP-KSTT#II.09').group = changeOneCharacter(milestone(d, '2348/VPCP-KSTT#II.09').group!)),
      ],
      ['a directive number as printed, one letter changed', 'directive 206/QĐ-TTg numberAsPrinted', (d) => void (directive(d, '206/QĐ-TTg').numberAsPrinted = '206 /QĐ-TTG')],
      [
        'a directive title, one letter changed',
        'directive 406/QĐ-TTg title',
        (d) => void (directive(d, '406/QĐ-TTg').title = changeOneCharacter(directive(d, '406/QĐ-TTg').title)),
      ],
      [
        'a directive date as printed, one letter changed',
        'directive BC-VPCP-2024-05 dateText',
        (d) => void (directive(d, 'BC-VPCP-2024-05').dateText = changeOneCharacter(directive(d, 'BC-VPCP-2024-05').dateText!)),
      ],
      ['a signer, one letter changed', 'directive 406/QĐ-TTg signer.name', (d) => void (directive(d, '406/QĐ-TTg').signer!.name = 'Vũ Đức Đăm')],
      [
        'a signing capacity, one letter changed',
        'directive 2348/VPCP-KSTT signer.capacity',
        (d) => void (directive(d, '2348/VPCP-KSTT').signer!.capacity = changeOneCharacter(directive(d, '2348/VPCP-KSTT').signer!.capacity)),
      ],
      [
        'a cited document title, one letter changed',
        'directive 766/QĐ-TTg title',
        (d) => void (directive(d, '766/QĐ-TTg').title = changeOneCharacter(directive(d, '766/QĐ-TTg').title)),
      ],
      [
        'a task text, one letter changed',
        'directive 406/QĐ-TTg task 4.1 text',
        (d) => void (task(d, '406/QĐ-TTg', '4.1').text = changeOneCharacter(task(d, '406/QĐ-TTg', '4.1').text)),
      ],
      [
        'a task addressee text, one letter changed',
        'directive 2348/VPCP-KSTT task 1 addresseeText',
        (d) => void (task(d, '2348/VPCP-KSTT', '1').addresseeText = changeOneCharacter(task(d, '2348/VPCP-KSTT', '1').addresseeText!)),
      ],
      [
        'a task deadline text, one letter changed',
        'directive 2348/VPCP-KSTT task 2 due.text',
        (d) => void (task(d, '2348/VPCP-KSTT', '2').due!.text = changeOneCharacter(task(d, '2348/VPCP-KSTT', '2').due!.text)),
      ],
      ['a task deadline end, one digit changed', 'directive 2348/VPCP-KSTT task 2 due.end', (d) => void (task(d, '2348/VPCP-KSTT', '2').due!.end = '2023-09-31')],
      [
        'a citing text, one letter changed',
        'directive 2348/VPCP-KSTT cites[131/NQ-CP].context',
        (d) => void (directive(d, '2348/VPCP-KSTT').cites[0]!.context = changeOneCharacter(directive(d, '2348/VPCP-KSTT').cites[0]!.context)),
      ],
      [
        'a cited-as text, one letter changed',
        'directive 01/NQ-CP citedAs[1895/VP-HCC].text',
        (d) => void (directive(d, '01/NQ-CP').citedAs![1]!.text = changeOneCharacter(directive(d, '01/NQ-CP').citedAs![1]!.text)),
      ],
      [
        'a service name, one letter changed',
        'service svc-406-37 name',
        (d) => void (d.services.find((s) => s.id === 'svc-406-37')!.name = changeOneCharacter(d.services.find((s) => s.id === 'svc-406-37')!.name)),
      ],
    ];
    it.each(changes)('fails on %s, naming %s', (_kind, recordAndField, change) => {
      const altered: SeedData = structuredClone(data);
      change(altered);
      const { problems } = verifySeedSources(altered, SOURCES);
      expect(problems).toEqual(expect.arrayContaining([expect.stringContaining(`${recordAndField}: `)]));
      // Nothing else is blamed: every problem is about the changed record.
      const record = recordAndField.replace(/ \S+$/, '');
      expect(problems.filter((p) => !p.startsWith(`${record} `))).toEqual([]);
    });

    it('matches whole words only: "an" is not found inside "Toàn", nor "Công a" inside "Công an"', () => {
      const dir = mkdtempSync(join(tmpdir(), 'seeds-verify-'));
      try {
        writeFileSync(join(dir, 'x.txt'), 'Toàn trình\nBộ Công an\n');
        const row = { ...data.milestones[0]!, nameAsPrinted: 'Bộ Công an', corrections: [], source: { file: 'x.txt', lines: '2' } };
        const only = (m: SeedMilestone): SeedData => ({
          ...data,
          directives: [],
          services: [],
          milestones: [{ ...m, levelText: undefined, leadText: undefined, section: undefined, due: undefined, carriedOver: false }],
        });
        expect(verifySeedSources(only(row), dir, 0).problems).toEqual([]);
        expect(verifySeedSources(only({ ...row, nameAsPrinted: 'an', source: { file: 'x.txt', lines: '1' } }), dir, 0).problems).toEqual([
          expect.stringContaining(`milestone ${row.id} nameAsPrinted: "an" not found in x.txt:1`),
        ]);
        expect(verifySeedSources(only({ ...row, nameAsPrinted: 'Bộ Công a' }), dir, 0).problems).toEqual([
          expect.stringContaining(`milestone ${row.id} nameAsPrinted: "Bộ Công a" not found`),
        ]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  // ../shared sits beside the repository, not in it: a clone on its own lacks it, and then there is nothing to compare with.
  const shared = resolve(__dirname, '..', '..', 'shared', 'seeds');
  (existsSync(shared) ? it : it.skip)('keeps seeds/sources identical to ../shared/seeds (skipped when that folder is absent)', () => {
    for (const file of readdirSync(shared)) expect(readFileSync(join(SOURCES, file), 'utf8')).toBe(readFileSync(join(shared, file), 'utf8'));
  });

  it('traces every milestone to its source: the lines exist and hold the item and most of its name', () => {
    const untraced: string[] = [];
    for (const m of data.milestones) {
      if (!m.source.lines) {
        untraced.push(`${m.id}: no lines`);
        continue;
      }
      const window = sourceWindow(m.source.file, m.source.lines);
      const words = foldVietnamese(m.nameAsPrinted)
        .split(/[^a-z0-9]+/)
        .filter((w) => w.length >= 3);
      const found = words.filter((w) => window.includes(w)).length;
      if (words.length > 0 && found / words.length < 0.7) untraced.push(`${m.id}: ${found}/${words.length} name words in ${m.source.file}:${m.source.lines}`);
    }
    expect(untraced).toEqual([]);
  });

  it('reports broken references, duplicates and bad dates', () => {
    const broken: SeedData = structuredClone(data);
    const milestone = broken.milestones[0];
    const directive = broken.directives[0];
    if (!milestone || !directive) throw new Error('no seed data');
    milestone.serviceId = 'svc-none';
    milestone.leadAgencyIds = ['bo-khong-co'];
    milestone.due = { text: 'Quý V/2021', start: '2021-13-01', end: '2021-12-31' };
    broken.directives.push({ ...directive });
    expect(validateSeedData(broken)).toEqual(
      expect.arrayContaining([
        `directive id "${directive.id}" is defined twice`,
        `milestone ${milestone.id}: unknown service "svc-none"`,
        `milestone ${milestone.id}: unknown agency "bo-khong-co"`,
        `milestone ${milestone.id} due.start: "2021-13-01" is not a YYYY-MM-DD date`,
      ]),
    );
  });

  describe('loading', () => {
    let database: TestDatabase;
    beforeAll(async () => {
      database = await openTestDatabase('seed');
    });
    afterAll(() => database.drop());

    it('is idempotent: loading twice leaves the same catalogue', async () => {
      const first = await loadSeedData(database.collections, data);
      const snapshot = await database.collections.milestones.find({}).sort({ _id: 1 }).toArray();
      const second = await loadSeedData(database.collections, data);
      expect(second).toEqual(first);
      expect(await database.collections.milestones.countDocuments()).toBe(data.milestones.length);
      expect(await database.collections.directives.countDocuments()).toBe(data.directives.length);
      expect(await database.collections.milestones.find({}).sort({ _id: 1 }).toArray()).toEqual(snapshot);
    });

    it('finds the tasks addressed to the ministries, and to the Kiên Giang departments and district committees, through their collective agencies', async () => {
      await loadSeedData(database.collections, data);
      const tasksAddressedTo = async (ids: string[]): Promise<string[]> => {
        const directives = await database.collections.directives.find({ 'tasks.addresseeAgencyIds': { $in: ids } }).toArray();
        return directives.flatMap((d) => d.tasks.filter((t) => t.addresseeAgencyIds.some((id) => ids.includes(id))).map((t) => `${d._id} ${t.number}`)).sort();
      };
      const ministries = data.agencies.filter((a) => a.kind === 'MINISTRY' && a.collective).map((a) => a.id);
      expect(ministries.sort()).toEqual(['cac-bo-co-quan-ngang-bo', 'cac-bo-co-quan-ngang-bo-co-quan-thuoc-chinh-phu']);
      expect(await tasksAddressedTo(ministries)).toEqual(['2348/VPCP-KSTT 1', '2348/VPCP-KSTT 2', '2348/VPCP-KSTT 3', '406/QĐ-TTg 2', '406/QĐ-TTg 3', '406/QĐ-TTg 6']);
      expect(await tasksAddressedTo(['cac-so-ban-nganh-thuoc-uy-ban-nhan-dan-tinh-kien-giang'])).toEqual(['1895/VP-HCC 2', '1895/VP-HCC 4']);
      expect(await tasksAddressedTo(['uy-ban-nhan-dan-cac-huyen-thanh-pho-thuoc-tinh-kien-giang'])).toEqual(['1895/VP-HCC 2', '1895/VP-HCC 4']);
    });

    it('refuses inconsistent data and writes nothing', async () => {
      const empty = await openTestDatabase('seedbad');
      const broken: SeedData = structuredClone(data);
      broken.milestones[0]!.directiveId = 'không có';
      await expect(loadSeedData(empty.collections, broken)).rejects.toThrow(/unknown directive "không có"/);
      expect(await empty.collections.milestones.countDocuments()).toBe(0);
      await empty.drop();
    });
  });
});
