import { readSeedData, toDocuments, validateSeedData, type SeedData } from '../seeds/load';
import type { SeedMilestone, SeedService } from '../seeds/schema';
import { generateSyntheticCatalogue, SYNTHETIC_GENERATOR_VERSION, type SyntheticCatalogue } from '../seeds/synthetic';
import { defaultChunkSize, loadSyntheticCatalogue, readSyntheticMeta, type SyntheticLoadProgress, type SyntheticMeta } from '../seeds/synthetic-load';
import { loadConfig } from '../src/config';
import { silentLogger } from '../src/logger';
import { createProgressReporter, parseSyntheticArgs } from '../src/scripts/seed-synthetic';
import { foldVietnamese } from '../src/search/fold';
import { createServer, type GatewayServer } from '../src/server';
import { openTestDatabase, type TestDatabase } from './support/database';

const real = readSeedData();

/** Everything a generation yields, chunks concatenated. */
function generateAll(services: number, seed: number, chunkSize = 1000): { catalogue: SyntheticCatalogue; services: SeedService[]; milestones: SeedMilestone[] } {
  const catalogue = generateSyntheticCatalogue({ services, seed }, real);
  const all = { catalogue, services: [] as SeedService[], milestones: [] as SeedMilestone[] };
  for (const chunk of catalogue.chunks(chunkSize)) {
    all.services.push(...chunk.services);
    all.milestones.push(...chunk.milestones);
  }
  return all;
}

/** The chunk-sized SeedData the loader validates and converts: all reference records plus one chunk. */
function withReference(catalogue: SyntheticCatalogue, services: SeedService[], milestones: SeedMilestone[]): SeedData {
  return { ...real, agencies: [...real.agencies, ...catalogue.agencies], directives: [...real.directives, ...catalogue.directives], services, milestones };
}

describe('synthetic catalogue generator', () => {
  const generated = generateAll(300, 1);

  it('is deterministic: the same options give the same records, whatever the chunk size; another seed differs', () => {
    const again = generateAll(300, 1, 50);
    expect({ ...again, catalogue: null }).toEqual({ ...generated, catalogue: null });
    expect(again.catalogue.directives).toEqual(generated.catalogue.directives);
    expect(again.catalogue.agencies).toEqual(generated.catalogue.agencies);
    const other = generateAll(300, 2);
    expect(other.services.map((s) => s.name)).not.toEqual(generated.services.map((s) => s.name));
    expect(other.catalogue.directives.map((d) => d.date)).not.toEqual(generated.catalogue.directives.map((d) => d.date));
  });

  it('passes validateSeedData chunk by chunk, as the loader checks it', () => {
    const catalogue = generateSyntheticCatalogue({ services: 1000, seed: 3 }, real);
    let chunks = 0;
    for (const chunk of catalogue.chunks(250)) {
      expect(validateSeedData(withReference(catalogue, chunk.services, chunk.milestones))).toEqual([]);
      chunks += 1;
    }
    expect(chunks).toBe(4);
    expect(() => catalogue.chunks(120).next()).toThrow(/multiple of 50/);
    expect(() => generateSyntheticCatalogue({ services: 0, seed: 1 }, real)).toThrow(RangeError);
    expect(() => generateSyntheticCatalogue({ services: 1_000_001, seed: 1 }, real)).toThrow(RangeError);
    expect(() => generateSyntheticCatalogue({ services: 10, seed: -1 }, real)).toThrow(RangeError);
  });

  it('averages about 10 milestones per service: 1–6 directive rows, each with 0–3 dated phases', () => {
    const { services, milestones } = generateAll(2000, 5);
    expect(milestones.length / services.length).toBeGreaterThan(9);
    expect(milestones.length / services.length).toBeLessThan(11);
    const rows = new Map<string, number>();
    for (const m of milestones) if (!m.parentId) rows.set(m.serviceId, (rows.get(m.serviceId) ?? 0) + 1);
    expect(Math.min(...rows.values())).toBe(1);
    expect(Math.max(...rows.values())).toBe(6);
    const phases = new Map<string, number>();
    for (const m of milestones) if (m.parentId) phases.set(m.parentId, (phases.get(m.parentId) ?? 0) + 1);
    expect(Math.max(...phases.values())).toBe(3);
  });

  it('is clearly synthetic: SYN- numbers, svc-syn- ids, syn- agencies, "synthetic" sources, titles that say so', () => {
    const { catalogue, services, milestones } = generated;
    expect(catalogue.directives).toHaveLength(12); // 300 / 25
    for (const d of catalogue.directives) {
      expect(d.id).toMatch(/^SYN-\d+\/(QĐ-TTg|QĐ-B[A-ZĐ]+|VPCP-KSTT|BC-VPCP|CT-TTg)$/);
      expect(d.title).toMatch(/\(dữ liệu tổng hợp\)$/);
      expect(d.inCorpus).toBe(false);
      expect(d.signer).toBeUndefined();
      expect(d.date! >= '2019-01-01' && d.date! <= '2026-12-31').toBe(true);
    }
    const dates = catalogue.directives.map((d) => d.date!);
    expect(dates).toEqual([...dates].sort());
    const links = catalogue.directives.flatMap((d) => d.implements);
    expect(links.some((id) => id.startsWith('SYN-'))).toBe(true);
    expect(links.some((id) => !id.startsWith('SYN-'))).toBe(true);
    services.forEach((s, i) => {
      expect(s.id).toBe(`svc-syn-${i + 1}`);
      expect(s.name).toMatch(new RegExp(`\\(tổng hợp số ${i + 1}\\)$`));
    });
    expect(new Set(services.map((s) => s.name)).size).toBe(services.length);
    expect(services.filter((s) => s.componentIds)).toHaveLength(6); // every 50th: an interconnected group
    for (const a of catalogue.agencies) {
      expect(a.id).toMatch(/^syn-so-/);
      expect(a.kind).toBe('PROVINCIAL_DEPARTMENT');
    }
    // 12 kinds of department in each of the 63 real provinces, less the one the seeds already hold.
    expect(catalogue.agencies).toHaveLength(12 * 63 - 1);
    const oldCodes = new Set(real.provincesBefore.map((p) => p.code));
    expect(catalogue.agencies.every((a) => oldCodes.has(a.provinceCode!))).toBe(true);
    for (const record of [
      ...milestones.map((m) => m.source),
      ...catalogue.agencies.flatMap((a) => a.sources),
      ...catalogue.directives.flatMap((d) => d.tasks.map((t) => t.source)),
    ]) {
      expect(record.file).toBe('synthetic');
      expect(record.item).toMatch(/^seed=1 /);
    }
  });

  it('numbers milestones like the curated ones: <directive>#<item>, phases #<item>@giai đoạn k, order 1-based within the directive', () => {
    const { milestones } = generateAll(600, 1, 200);
    const byDirective = new Map<string, SeedMilestone[]>();
    for (const m of milestones) byDirective.set(m.directiveId, [...(byDirective.get(m.directiveId) ?? []), m]);
    for (const rows of byDirective.values()) {
      expect(rows.map((m) => m.order).sort((a, b) => a - b)).toEqual(rows.map((_, i) => i + 1));
    }
    const ids = new Set(milestones.map((m) => m.id));
    expect(ids.size).toBe(milestones.length);
    for (const m of milestones) {
      if (m.parentId) {
        expect(m.id).toMatch(new RegExp(`^${m.parentId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}@giai đoạn [1-3]$`));
        expect(m.parentId).toBe(`${m.directiveId}#${m.item}`);
        expect(m.due?.text).toMatch(/^Tháng \d{1,2}\/20\d\d$/);
      } else {
        expect(m.id).toBe(`${m.directiveId}#${m.item}`);
      }
      expect(m.serviceId).toMatch(/^svc-syn-\d+$/);
    }
  });

  it('keeps per-province progress consistent with its province lists, on real old codes only', () => {
    const { milestones } = generated;
    const withLists = milestones.filter((m) => m.status?.doneProvinceCodes || m.status?.pendingProvinceCodes);
    expect(withLists.length).toBeGreaterThan(10);
    for (const { status } of withLists) {
      const count = status!.counts?.[0];
      expect(count).toMatchObject({ total: 63, unit: 'địa phương' });
      if (status!.doneProvinceCodes) expect(count!.done).toBe(status!.doneProvinceCodes.length);
      if (status!.pendingProvinceCodes) expect(count!.done).toBe(63 - status!.pendingProvinceCodes.length);
    }
    expect(milestones.some((m) => m.status?.pilotProvinceCodes?.length)).toBe(true);
    expect(milestones.some((m) => m.carriedOver && m.due?.text.includes('Chuyển tiếp'))).toBe(true);
    for (const m of milestones.filter((m) => m.due?.text.startsWith('Quý'))) {
      const [, roman, year] = /^Quý (I|II|III|IV)\/(\d{4})/.exec(m.due!.text)!;
      const q = ['I', 'II', 'III', 'IV'].indexOf(roman!);
      expect(m.due!.start).toBe(`${year}-${String(q * 3 + 1).padStart(2, '0')}-01`);
    }
  });

  it('leads with real ministries, some succeeded in 2025, so today’s lead differs from the lead as named', () => {
    const { catalogue, services, milestones } = generated;
    const docs = toDocuments(withReference(catalogue, services, milestones));
    const realIds = new Set(real.agencies.map((a) => a.id));
    const leads = docs.milestones.flatMap((m) => m.leadAgencyIds);
    expect(leads.filter((id) => realIds.has(id)).length / leads.length).toBeGreaterThan(0.9);
    expect(docs.milestones.some((m) => m.leadAgencyTodayIds.join() !== m.leadAgencyIds.join())).toBe(true);
    expect(docs.milestones.every((m) => m.coordinatingAgencyIds.length <= 2)).toBe(true);
    // No directive dated after a ministry's dissolution names it as lead.
    const dissolved = new Map(real.agencies.filter((a) => a.dissolvedOn).map((a) => [a.id, a.dissolvedOn!]));
    for (const m of docs.milestones) for (const id of m.leadAgencyIds) if (dissolved.has(id)) expect(m.directiveDate! < dissolved.get(id)!).toBe(true);
  });

  it('picks chunks of 1,000 services, and at most 100 chunks beyond 100,000', () => {
    expect(defaultChunkSize(300)).toBe(1000);
    expect(defaultChunkSize(100_000)).toBe(1000);
    expect(defaultChunkSize(1_000_000)).toBe(10_000);
    expect(defaultChunkSize(123_457) % 50).toBe(0);
  });
});

describe('loading a synthetic catalogue', () => {
  let database: TestDatabase;
  let meta: SyntheticMeta;
  const progress: SyntheticLoadProgress[] = [];

  beforeAll(async () => {
    database = await openTestDatabase('synthetic');
    meta = await loadSyntheticCatalogue(database.db, { services: 300, seed: 1, chunkSize: 100 }, (p) => progress.push(p));
  }, 120_000);
  afterAll(() => database.drop());

  it('holds the curated catalogue plus the synthetic records, as counted in its meta', async () => {
    const c = database.collections;
    const { services, milestones } = generateAll(300, 1);
    expect(meta.counts).toEqual({
      provinces: 97,
      agencies: real.agencies.length + 755,
      directives: real.directives.length + 12,
      services: real.services.length + 300,
      milestones: real.milestones.length + milestones.length,
      synthetic: { agencies: 755, directives: 12, services: services.length, milestones: milestones.length },
    });
    expect(await c.provinces.countDocuments()).toBe(meta.counts.provinces);
    expect(await c.agencies.countDocuments()).toBe(meta.counts.agencies);
    expect(await c.directives.countDocuments()).toBe(meta.counts.directives);
    expect(await c.services.countDocuments()).toBe(meta.counts.services);
    expect(await c.milestones.countDocuments()).toBe(meta.counts.milestones);
    expect(await c.directives.findOne({ _id: '406/QĐ-TTg' })).toMatchObject({ inCorpus: true });
    expect(await c.milestones.countDocuments({ directiveId: '406/QĐ-TTg' })).toBe(real.milestones.filter((m) => m.directiveId === '406/QĐ-TTg').length);
    // The same documents as converting the generated records directly.
    const sample = await c.milestones.findOne({ _id: milestones[0]!.id });
    expect(sample).toEqual(toDocuments(withReference(generateAll(300, 1).catalogue, [], [milestones[0]!])).milestones[0]);
    const indexes = (await c.milestones.indexes()).map((i) => i.name);
    expect(indexes).toEqual(expect.arrayContaining(['service_timeline', 'directive_order', 'done_province']));
  });

  it('writes a complete meta last, with samples that exist in the database', async () => {
    const c = database.collections;
    expect(await readSyntheticMeta(database.db)).toEqual(meta);
    expect(meta).toMatchObject({ _id: 'synthetic', generatorVersion: SYNTHETIC_GENERATOR_VERSION, seed: 1, services: 300 });
    expect(Date.parse(meta.loadedAt)).not.toBeNaN();
    const s = meta.samples;
    expect(s.directiveId).toMatch(/^SYN-/);
    expect(await c.milestones.countDocuments({ directiveId: s.directiveId })).toBe(s.directiveMilestones);
    expect(s.directiveMilestones).toBeGreaterThan(0);
    expect(s.serviceId).toMatch(/^svc-syn-/);
    expect(await c.milestones.countDocuments({ serviceId: s.serviceId })).toBe(s.serviceMilestones);
    expect(s.serviceMilestones).toBeGreaterThanOrEqual(5);
    const province = await c.provinces.findOne({ code: s.provinceCode, era: 'FROM_2025_07' });
    expect(province).not.toBeNull();
    const old = province!.formedFromIds;
    const progressCount = await c.milestones.countDocuments({
      $or: [{ 'status.doneProvinceIds': { $in: old } }, { 'status.pendingProvinceIds': { $in: old } }, { 'status.pilotProvinceIds': { $in: old } }],
    });
    expect(progressCount).toBe(s.provinceProgressMilestones);
    expect(s.provinceProgressMilestones).toBeGreaterThan(5);
    expect(s.searchText).toBe(foldVietnamese(s.searchText));
    const named = await c.services.countDocuments({ _id: { $regex: /^svc-syn-/ }, sortName: { $regex: new RegExp(`^${s.searchText}`) } });
    expect(named).toBe(s.searchTextServices);
    expect(s.searchTextServices).toBeGreaterThanOrEqual(2);
    expect(await c.agencies.findOne({ _id: s.leadAgencyId })).not.toBeNull();
    expect(await c.milestones.countDocuments({ leadAgencyIds: s.leadAgencyId })).toBe(s.leadAgencyMilestones);
  });

  it('reports progress phase by phase: reference, services, indexes, meta', () => {
    const phases = progress.map((p) => p.phase).filter((phase, i, all) => phase !== all[i - 1]);
    expect(phases).toEqual(['reference', 'services', 'indexes', 'meta']);
    const services = progress.filter((p) => p.phase === 'services');
    expect(services.at(-1)).toMatchObject({ done: 300, total: 300 });
    expect(progress.at(-1)!.documents).toBe(meta.counts.provinces + meta.counts.agencies + meta.counts.directives + meta.counts.services + meta.counts.milestones);
  });

  it('answers gateway queries over the synthetic data', async () => {
    const gateway: GatewayServer = await createServer({ config: { ...loadConfig({}), dbRequestTimeoutMs: 5_000 }, database, log: silentLogger });
    const execute = async (query: string, variables?: Record<string, unknown>) => {
      const response = await gateway.apollo.executeOperation<Record<string, any>>({ query, variables }, { contextValue: gateway.createContext() });
      if (response.body.kind !== 'single') throw new Error('expected a single result');
      expect(response.body.singleResult.errors).toBeUndefined();
      return response.body.singleResult.data!;
    };
    try {
      const s = meta.samples;
      const service = await execute('query($id: ID!) { service(id: $id) { name timeline { id directive { id } } } }', { id: s.serviceId });
      expect(service.service.timeline).toHaveLength(s.serviceMilestones);
      expect(service.service.name).toMatch(/\(tổng hợp số \d+\)$/);
      const search = await execute('query($text: String!) { search(text: $text, first: 50) { node { __typename ... on Service { id } } } }', { text: s.searchText });
      const found = search.search.filter((hit: any) => hit.node.__typename === 'Service').map((hit: any) => hit.node.id);
      expect(found.length).toBeGreaterThanOrEqual(s.searchTextServices);
      expect(found.every((id: string) => id.startsWith('svc-syn-'))).toBe(true);
      const directive = await execute('query($id: ID!) { directive(id: $id) { id title } real: directive(id: "406/qd-ttg") { id } }', { id: s.directiveId });
      expect(directive).toMatchObject({ directive: { id: s.directiveId, title: expect.stringContaining('dữ liệu tổng hợp') }, real: { id: '406/QĐ-TTg' } });
      const breakdown = await execute('{ named: milestoneBreakdown(by: LEAD_AGENCY) { key count } today: milestoneBreakdown(by: LEAD_AGENCY_TODAY) { key count } }');
      expect(breakdown.today).not.toEqual(breakdown.named);
    } finally {
      await gateway.stop();
    }
  });

  it('reads no meta from a database without one: empty, or a load that did not finish', async () => {
    const other = await openTestDatabase('synthetic_none');
    try {
      expect(await readSyntheticMeta(other.db)).toBeNull();
      await other.collections.milestones.insertOne({ _id: 'x' } as never);
      expect(await readSyntheticMeta(other.db)).toBeNull();
    } finally {
      await other.drop();
    }
  });
});

describe('seed:synthetic command line', () => {
  const parse = (args: string[], gateway = 'dvc_gateway') => parseSyntheticArgs(args, gateway);

  it('reads --services, --seed and --database, with defaults', () => {
    expect(parse(['--services', '10000'])).toEqual({ ok: true, services: 10000, seed: 1, database: 'dvc_synthetic_10000' });
    expect(parse(['--services=1000', '--seed=42', '--database', 'bench_db'])).toEqual({ ok: true, services: 1000, seed: 42, database: 'bench_db' });
    expect(parse(['--services', '1000000', '--seed', '0'])).toMatchObject({ ok: true, services: 1_000_000, seed: 0 });
  });

  it.each([
    [[]],
    [['--services']],
    [['--services', 'abc']],
    [['--services', '0']],
    [['--services', '1000001']],
    [['--services', '1.5']],
    [['--services', '-3']],
    [['--services', '10', '--seed', 'x']],
    [['--services', '10', '--verbose']],
    [['--services', '10', '--services', '20']],
    [['--services', '10', '--database', 'a/b']],
  ])('refuses %j with a usage line', (args) => {
    const result = parse(args as string[]);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message.split('\n').at(-1)).toMatch(/^Usage: npm run seed:synthetic -- --services N/);
  });

  it("refuses the gateway's own database in one line", () => {
    const ownDefault = parse(['--services', '10', '--database', 'dvc_gateway']);
    expect(ownDefault).toEqual({ ok: false, message: expect.stringMatching(/^Refusing to replace "dvc_gateway": it is the gateway's own database/) });
    if (!ownDefault.ok) expect(ownDefault.message).not.toContain('\n');
    // MONGODB_DB names the gateway's database; the default target is refused when it is that one.
    expect(parse(['--services', '10'], 'dvc_synthetic_10')).toMatchObject({ ok: false });
    expect(parse(['--services', '10'], 'catalogue')).toMatchObject({ ok: true, database: 'dvc_synthetic_10' });
  });

  it('draws a progress bar on a terminal and plain lines every 10% otherwise', () => {
    let clock = 0;
    const feed = (reporter: ReturnType<typeof createProgressReporter>) => {
      for (let done = 0; done <= 1000; done += 10) {
        clock += 50;
        reporter.onProgress({ phase: 'services', done, total: 1000, documents: done * 11 });
      }
      reporter.finish();
    };
    const plain: string[] = [];
    feed(createProgressReporter({ write: (text: string) => plain.push(text), isTTY: false }, () => clock));
    expect(plain).toHaveLength(11);
    expect(plain.every((line) => line.endsWith('\n') && !line.includes('\r'))).toBe(true);
    expect(plain[5]).toMatch(/^services: 50% 500\/1,000 services, 5,500 documents, [\d,]+ docs\/s ETA \d+:\d\d\n$/);
    const tty: string[] = [];
    feed(createProgressReporter({ write: (text: string) => tty.push(text), isTTY: true }, () => clock));
    expect(tty.length).toBeLessThan(60);
    expect(tty.slice(0, -1).every((text) => text.startsWith('\r'))).toBe(true);
    expect(tty.at(-2)).toContain('[########################] 1,000/1,000 services');
    expect(tty.at(-1)).toBe('\n');
  });

  it('reports single-step phases as started and done, each phase on its own line', () => {
    let clock = 0;
    const steps = (isTTY: boolean) => {
      const out: string[] = [];
      const reporter = createProgressReporter({ write: (text: string) => out.push(text), isTTY }, () => clock);
      reporter.onProgress({ phase: 'services', done: 10, total: 10, documents: 100 });
      reporter.onProgress({ phase: 'indexes', done: 0, total: 1, documents: 100 });
      clock += 2_500;
      reporter.onProgress({ phase: 'indexes', done: 1, total: 1, documents: 100 });
      reporter.finish();
      return out.join('');
    };
    expect(steps(false)).toMatch(/^services: 100% 10\/10 services, 100 documents, 0 docs\/s\nindexes: started\nindexes: done in 2\.5 s\n$/);
    expect(steps(true).split('\n')).toEqual([expect.stringContaining('10/10 services'), expect.stringMatching(/\rindexes +working…\x1b\[K\rindexes +done in 2\.5 s/), '']);
  });
});
