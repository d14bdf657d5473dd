import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadSeedData, readSeedData, toDocuments, validateSeedData, type SeedData } from '../seeds/load';
import { foldVietnamese } from '../src/search/fold';
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
  return foldVietnamese(all.slice(Math.max(0, (from ?? 1) - 1 - margin), (to ?? 1) + margin).join(' ').replace(/<[^>]+>/g, ' '));
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

  it('traces every milestone to its source: the lines exist and hold the item and most of its name', () => {
    const untraced: string[] = [];
    for (const m of data.milestones) {
      if (!m.source.lines) {
        untraced.push(`${m.id}: no lines`);
        continue;
      }
      const window = sourceWindow(m.source.file, m.source.lines);
      const words = foldVietnamese(m.nameAsPrinted).split(/[^a-z0-9]+/).filter((w) => w.length >= 3);
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
