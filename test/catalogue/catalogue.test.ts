import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CommandStartedEvent } from 'mongodb';
import { startTestStack, type TestStack } from '../support/stack';

/** Questions an analyst asks of the documents, with the answers read from the documents themselves, through the gateway. */
describe('the unified catalogue schema', () => {
  let t: TestStack;
  beforeAll(async () => {
    t = await startTestStack();
  });
  afterAll(() => t.close());

  async function data<T = Record<string, any>>(query: string, variables?: Record<string, unknown>): Promise<T> {
    const result = await t.graphql<T>(query, variables);
    expect(result.body.errors).toBeUndefined();
    return result.body.data as T;
  }
  const execute = async (query: string, variables?: Record<string, unknown>) => (await t.graphql(query, variables)).body;

  it('which services 406/QĐ-TTg gives to Bộ Lao động, Thương binh và Xã hội (items 23–33 and the sector row 11.12)', async () => {
    const { milestones } = await data(`{ milestones(first: 100, filter: { directiveIds: ["406/qd-ttg"], leadAgencyIds: ["bo-lao-dong-thuong-binh-va-xa-hoi"] }) {
      totalCount nodes { item due { text } } } }`);
    expect(milestones.nodes.map((m: { item: string }) => m.item)).toEqual(['11.12', '23', '24', '25', '26', '27', '28', '29', '30', '31', '32', '33']);
    expect(milestones.totalCount).toBe(12);
  });

  it('which provinces had completed "Cấp giấy thăm viếng mộ liệt sĩ" by April 2023 (16/63), and what they are today', async () => {
    const { service } = await data(
      `{ service(id: "svc-2348-II.03") { name timeline { id status { asOf state counts { done total } doneProvinces { code name mergedInto { name } } } } } }`,
    );
    expect(service.name).toBe('Cấp giấy thăm viếng mộ liệt sĩ');
    const [april2023, may2024] = service.timeline;
    expect(april2023.id).toBe('2348/VPCP-KSTT#II.03');
    expect(april2023.status).toMatchObject({ asOf: '2023-04-07', state: 'PARTIAL', counts: [{ done: 16, total: 63 }] });
    expect(april2023.status.doneProvinces.map((p: { name: string }) => p.name)).toEqual([
      'Nam Định',
      'Hà Giang',
      'Tuyên Quang',
      'Thừa Thiên Huế',
      'Bình Định',
      'Thanh Hóa',
      'Điện Biên',
      'Lai Châu',
      'Tiền Giang',
      'Lào Cai',
      'Đắk Lắk',
      'Bà Rịa - Vũng Tàu',
      'Hòa Bình',
      'Bình Phước',
      'Cần Thơ',
      'Cà Mau',
    ]);
    expect(april2023.status.doneProvinces[0].mergedInto).toEqual({ name: 'Ninh Bình' });
    expect(may2024.status.counts).toEqual([{ done: 25, total: 63 }]);
  });

  it('which 206/QĐ-TTg items were carried over from 2023 (items 01–08)', async () => {
    const { milestones } = await data(`{ milestones(first: 50, filter: { directiveIds: ["206/QĐ-TTg"], carriedOver: true }) { totalCount nodes { item due { end } } } }`);
    expect(milestones.nodes.map((m: { item: string }) => m.item)).toEqual(['01', '02', '03', '04', '05', '06', '07', '08']);
  });

  it('the timeline of the household-business + tax registration group, in time order, with the lead as named then', async () => {
    const { service } = await data(`{ service(id: "svc-406-37") { timeline { id leadAgencies { id currentAgencies { id } } due { text start end } } directives { id } } }`);
    expect(service.timeline.map((m: { id: string }) => m.id)).toEqual(['406/QĐ-TTg#37', '2348/VPCP-KSTT#II.05', '206/QĐ-TTg#01', 'BC-VPCP-2024-05#03']);
    expect(service.timeline[0].leadAgencies).toEqual([{ id: 'van-phong-chinh-phu', currentAgencies: [{ id: 'van-phong-chinh-phu' }] }]);
    expect(service.timeline[1].leadAgencies).toEqual([{ id: 'bo-ke-hoach-va-dau-tu', currentAgencies: [{ id: 'bo-tai-chinh' }] }]);
    expect(service.timeline[2].due).toEqual({ text: 'Quý I/2024 (Chuyển tiếp nhiệm vụ từ năm 2023)', start: '2024-01-01', end: '2024-03-31' });
  });

  it('what Bộ Tài chính owns today includes Bộ Kế hoạch và Đầu tư’s items', async () => {
    const query = `query ($succession: Boolean) { milestones(first: 100, filter: { leadAgencyIds: ["bo-tai-chinh"], includeSuccession: $succession }) { totalCount nodes { id } } }`;
    const own = (await data(query, { succession: false })).milestones;
    const today = (await data(query, { succession: true })).milestones;
    const ids = today.nodes.map((m: { id: string }) => m.id);
    expect(ids).toEqual(expect.arrayContaining(['2348/VPCP-KSTT#II.05', '206/QĐ-TTg#01', ...own.nodes.map((m: { id: string }) => m.id)]));
    expect(today.totalCount).toBeGreaterThan(own.totalCount);
    const { agency } = await data(`{ agency(id: "bo-tai-chinh") { predecessors { id } } }`);
    expect(agency.predecessors.map((a: { id: string }) => a.id)).toEqual(expect.arrayContaining(['bo-ke-hoach-va-dau-tu']));
  });

  it('lists the ministries by name, page by page, without repeating or skipping one', async () => {
    const query = `query ($after: String) { agencies(kind: MINISTRY, first: 7, after: $after) { pageInfo { hasNextPage endCursor } nodes { name kind } } }`;
    const names: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page += 1) {
      const { agencies } = (await data(query, { after })) as { agencies: { pageInfo: { hasNextPage: boolean; endCursor: string }; nodes: Array<{ name: string; kind: string }> } };
      expect(agencies.nodes.every((a) => a.kind === 'MINISTRY')).toBe(true);
      names.push(...agencies.nodes.map((a) => a.name));
      if (!agencies.pageInfo.hasNextPage) break;
      after = agencies.pageInfo.endCursor;
    }
    expect(names.length).toBeGreaterThan(7);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toContain('Bộ Tài chính');
    // The database's order (code points of the stored name), the same on every page.
    expect(names).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  });

  it('links directives both ways: implements / implementedBy, cites / citedBy', async () => {
    const { directive } = await data(`{ directive(id: "406/QĐ-TTg") { implementedBy { id } cites { id } citations { directive { id } context } } }`);
    expect(directive.implementedBy).toEqual([{ id: '1895/VP-HCC' }]);
    expect(directive.cites.map((d: { id: string }) => d.id)).toEqual(expect.arrayContaining(['01/NQ-CP', '02/NQ-CP', '274/QĐ-TTg', '61/2018/NĐ-CP']));
    const cited = await data(`{ directive(id: "131/NQ-CP") { inCorpus date citedBy { directive { id } text } } }`);
    expect(cited.directive).toMatchObject({ inCorpus: false, date: '2022-10-06' });
    expect(cited.directive.citedBy[0].directive).toEqual({ id: '2348/VPCP-KSTT' });
  });

  it('finds provinces by code, as they are now or as they were on a date', async () => {
    const { now, before, old } = await data(`{ now: province(code: "91") { id name formedFrom { name } }
      before: province(code: "91", asOf: "2024-01-01") { id name mergedInto { name } } old: province(code: "02", asOf: "2021-03-22") { name } }`);
    expect(now).toEqual({ id: '34:91', name: 'An Giang', formedFrom: [{ name: 'An Giang' }, { name: 'Kiên Giang' }] });
    expect(before).toEqual({ id: '63:91', name: 'Kiên Giang', mergedInto: { name: 'An Giang' } });
    expect(old).toEqual({ name: 'Hà Giang' });
    expect((await data(`{ province(code: "02") { name } }`)).province).toBeNull();
  });

  it('filters by a current province, including the old units it was formed from', async () => {
    // Tuyên Quang today (08) = Hà Giang (02) + Tuyên Quang (08): both were among the 16 done in April 2023.
    const { province } = await data(`{ province(code: "08") { milestonesDone { id } } }`);
    expect(province.milestonesDone.map((m: { id: string }) => m.id)).toContain('2348/VPCP-KSTT#II.03');
    const named = await data(`{ milestones(first: 100, filter: { provinces: ["34:79"], namedProvincesOnly: true }) { nodes { id } } }`);
    // Hồ Chí Minh today includes Bình Dương (74), a pilot of 206 item 13 named in its cell.
    expect(named.milestones.nodes.map((m: { id: string }) => m.id)).toEqual(expect.arrayContaining(['406/QĐ-TTg#12']));
  });

  it('searches without accents and ranks exact names and aliases first', async () => {
    const top = async (text: string) =>
      (
        await data(
          `query ($text: String!) { search(text: $text, first: 5) { score node { __typename ... on Service { id } ... on Agency { id } ... on Directive { id } ... on Province { id } } } }`,
          { text },
        )
      ).search;
    expect((await top('dang ky ket hon'))[0]).toEqual({ score: 100, node: { __typename: 'Service', id: 'svc-2348-I.03' } });
    expect((await top('BCA'))[0].node).toEqual({ __typename: 'Agency', id: 'bo-cong-an' });
    expect((await top('Bo Cong an'))[0].node).toEqual({ __typename: 'Agency', id: 'bo-cong-an' });
    expect((await top('ho kinh doanh')).map((hit: { node: { id: string } }) => hit.node.id)).toContain('svc-406-37');
    expect((await top('thue')).length).toBeGreaterThan(0);
    expect((await top('406/qd-ttg'))[0].node).toEqual({ __typename: 'Directive', id: '406/QĐ-TTg' });
    expect((await top('kien giang')).map((hit: { node: { id: string } }) => hit.node.id)).toContain('63:91');
  });

  it('breaks milestones down by lead agency, as named then and as today, in the database', async () => {
    const { then, today } = await data(`{ then: milestoneBreakdown(by: LEAD_AGENCY) { key label count } today: milestoneBreakdown(by: LEAD_AGENCY_TODAY) { key count } }`);
    const count = (rows: Array<{ key: string; count: number }>, key: string) => rows.find((r) => r.key === key)?.count ?? 0;
    expect(count(today, 'bo-tai-chinh')).toBe(count(then, 'bo-tai-chinh') + count(then, 'bo-ke-hoach-va-dau-tu'));
    expect(count(today, 'bo-ke-hoach-va-dau-tu')).toBe(0);
    expect(then.find((r: { key: string }) => r.key === 'bo-cong-an')?.label).toBe('Bộ Công an');
    const { byStatus } = await data(`{ byStatus: milestoneBreakdown(by: STATUS, filter: { directiveIds: ["BC-VPCP-2024-05"] }) { key count } }`);
    expect(byStatus.reduce((sum: number, r: { count: number }) => sum + r.count, 0)).toBe(11);
  });

  it('ranks provinces by completed services and tracks completion over time', async () => {
    const { ranking, overTime, servicesToday } = await data(`{
      ranking: milestoneBreakdown(by: DONE_PROVINCE, count: SERVICES) { key label count }
      overTime: completionOverTime(filter: { serviceIds: ["svc-2348-II.03"] }) { asOf done partial notDone }
      servicesToday: milestoneBreakdown(by: LEAD_AGENCY_TODAY, count: SERVICES, filter: { serviceIds: ["svc-406-37"] }) { key count } }`);
    // Bình Định is named done for two services: the martyrs' grave visit permit (2348) and hospital fee payment (May 2024).
    expect(ranking[0]).toEqual({ key: '63:52', label: 'Bình Định', count: 2 });
    expect(ranking).toHaveLength(16);
    expect(overTime).toEqual([
      { asOf: '2023-04-07', done: 0, partial: 1, notDone: 0 },
      { asOf: '2024-05-31', done: 0, partial: 1, notDone: 0 },
    ]);
    // One service, led by Văn phòng Chính phủ (2021) then Bộ Kế hoạch và Đầu tư, now Bộ Tài chính: counted once per body.
    expect(servicesToday).toEqual([
      { key: 'bo-tai-chinh', count: 1 },
      { key: 'van-phong-chinh-phu', count: 1 },
    ]);
  });

  it('finds overdue rows as of a date', async () => {
    const { milestones } = await data(
      `{ milestones(first: 100, orderBy: DUE_DATE, filter: { overdueAsOf: "2021-07-01", directiveIds: ["406/QĐ-TTg"] }) { nodes { due { end } } } }`,
    );
    expect(milestones.nodes.length).toBeGreaterThan(0);
    for (const m of milestones.nodes) expect(m.due.end < '2021-07-01').toBe(true);
  });

  it.each([
    ['{ milestones(first: 500) { totalCount } }', 'first'],
    ['{ milestones(after: "bm9wZQ") { totalCount } }', 'after'],
    ['{ milestones(filter: { provinces: ["{\\"$ne\\": null}"] }) { totalCount } }', 'provinces'],
    ['{ milestones(filter: { text: "   " }) { totalCount } }', 'text'],
    ['{ province(code: "Hà Nội") { name } }', 'code'],
  ])('rejects %s with BAD_USER_INPUT naming the argument', async (query, argumentName) => {
    const result = await execute(query);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName });
  });

  it('rejects an unknown enum value written in the query as GRAPHQL_VALIDATION_FAILED, at the gateway', async () => {
    const result = await execute('{ milestones(filter: { levels: [LEVEL_9] }) { totalCount } }');
    expect(result.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(result.errors?.[0]?.message).toMatch(/LEVEL_9/);
  });

  it('rejects a Date that is no calendar day, written in the query, as BAD_USER_INPUT from the subgraph that owns the field', async () => {
    // The gateway knows Date only as a scalar name; what a valid Date is, the catalogue decides.
    const result = await execute('{ milestones(filter: { dueFrom: "2024-02-30" }) { totalCount } }');
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.message).toMatch(/dueFrom.*Date must be a calendar day/);
  });

  it.each([
    [{ level: 'LEVEL_9', due: '2024-01-01' }, /\$level/],
    [{ level: 'FULL', due: '2024-02-30' }, /dueFrom.*Date must be a calendar day/],
  ])('rejects bad variables %j with BAD_USER_INPUT naming the variable', async (variables, message) => {
    const result = await execute('query ($level: ServiceLevel!, $due: Date!) { milestones(filter: { levels: [$level], dueFrom: $due }) { totalCount } }', variables);
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.message).toMatch(message);
  });

  it('treats operator-shaped strings as plain values', async () => {
    const { milestones, directive } = await data(
      `{ milestones(filter: { directiveIds: ["$gt"], serviceIds: ["{\\"$ne\\": \\"\\"}"] }) { totalCount } directive(id: "{\\"$gt\\": \\"\\"}") { id } }`,
    );
    expect(milestones.totalCount).toBe(0);
    expect(directive).toBeNull();
  });

  describe('ready-made operations in schema/examples', () => {
    const dir = resolve(__dirname, '..', '..', 'schema', 'examples');
    const files = readdirSync(dir).filter((f) => f.endsWith('.graphql'));
    it('has some', () => expect(files.length).toBeGreaterThanOrEqual(8));
    it.each(files)('%s has a description and runs without errors, returning data', async (file) => {
      const text = readFileSync(join(dir, file), 'utf8');
      expect(text.split('\n')[0]).toMatch(/^# (Frontend|Analyst): .{10,}/);
      const result = await execute(text);
      expect(result.errors).toBeUndefined();
      expect(JSON.stringify(result.data)).not.toMatch(/^\{("[^"]+":(null|\[\]),?)*\}$/);
    });
  });
});

describe('batched resolvers and a frugal plan', () => {
  let t: TestStack;
  beforeAll(async () => {
    t = await startTestStack();
  });
  afterAll(() => t.close());

  /** Runs a query through the gateway; the catalogue's reads and each subgraph's requests, as sent. */
  async function costOf(query: string): Promise<{ commands: string[]; requests: Record<string, number> }> {
    const commands: string[] = [];
    const onCommand = (event: CommandStartedEvent): void => {
      if (['find', 'aggregate', 'count', 'distinct'].includes(event.commandName)) commands.push(`${event.commandName} ${String(event.command[event.commandName])}`);
    };
    const client = t.stack.catalogue.database.client;
    const before = await subgraphRequests();
    client.on('commandStarted', onCommand);
    const result = await t.graphql(query);
    client.off('commandStarted', onCommand);
    expect(result.body.errors).toBeUndefined();
    const after = await subgraphRequests();
    const requests = Object.entries(after).map(([name, count]): [string, number] => [name, count - (before[name] ?? 0)]);
    return { commands, requests: Object.fromEntries(requests.filter(([, count]) => count > 0)) };
  }

  async function subgraphRequests(): Promise<Record<string, number>> {
    const metric = await t.stack.registry.getSingleMetric('subgraph_requests_total')?.get();
    const counts: Record<string, number> = {};
    for (const value of metric?.values ?? []) counts[String(value.labels.subgraph)] = (counts[String(value.labels.subgraph)] ?? 0) + value.value;
    return counts;
  }

  it('issues one database command per list level, the same for 1 row as for 40, in one subgraph request', async () => {
    const nested = (first: number) =>
      `{ directives(first: ${first}) { nodes { id milestones { id service { id timeline { id } } leadAgencies { id } provinces { id } status { doneProvinces { id } } } } } }`;
    const one = await costOf(nested(1));
    const many = await costOf(nested(40));
    // Loaders at the same depth dispatch concurrently, so their order varies: compare as sets.
    expect([...many.commands].sort()).toEqual([...one.commands].sort());
    // directives; their milestones; services, agencies, provinces (scope and status batch together); the services' timelines.
    expect(many.commands.map((c) => c.split(' ')[1]).sort()).toEqual(['agencies', 'directives', 'milestones', 'milestones', 'provinces', 'services']);
    // The whole query lives in the catalogue: one fetch, not one per level.
    expect(many.requests).toEqual({ catalogue: 1 });
  });
});
