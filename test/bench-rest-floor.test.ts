import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MongoClient, type CommandStartedEvent, type CommandSucceededEvent, type CommandFailedEvent } from 'mongodb';
import type express from 'express';
import { CURATED_SAMPLES, OPERATIONS, type BenchOperation, type BenchSamples } from '../bench/operations';
import { createRestFloor } from '../bench/rest-floor';
import { collections } from '../src/db/collections';
import type { MilestoneDocument, MilestoneStatusDocument } from '../src/db/documents';
import { startTestGateway, type TestGateway } from './support/gateway';

/** The catalogue operations: the ones with a REST floor. */
const CATALOGUE = OPERATIONS.filter((op) => !op.citizenIds);
const operation = (name: string): BenchOperation => {
  const op = CATALOGUE.find((o) => o.name === name);
  if (!op) throw new Error(`no operation ${name}`);
  return op;
};

/** Other inputs, so that equality is not a coincidence of one: other directives, a lower-case id, services with successions, provinces formed from one or two units. */
const SAMPLE_SETS: Array<[string, BenchSamples]> = [
  ['curated', CURATED_SAMPLES],
  ['2348/VPCP-KSTT, Hà Nội, "thue"', { directiveId: '2348/VPCP-KSTT', serviceId: 'svc-2348-II.03', provinceCode: '01', searchText: 'thue', leadAgencyId: 'bo-cong-an' }],
  [
    '206/qđ-ttg (phases), a service led by a ministry split three ways',
    { directiveId: '206/qđ-ttg', serviceId: 'svc-406-30', provinceCode: '08', searchText: 'Bộ Công an', leadAgencyId: 'bo-cong-an' },
  ],
  ['an undated report, a row with two leads', { directiveId: 'BC-VPCP-2024-05', serviceId: 'svc-406-18', provinceCode: '91', searchText: 'ket hon', leadAgencyId: 'bo-cong-an' }],
];

/** Database commands per REST route on the curated data, as bench/rest-floor.ts claims: the commands, and how many sequential round trips. */
const ROUND_TRIPS: Record<string, { commands: string[]; levels: number }> = {
  directive: { commands: ['find agencies', 'find directives', 'find milestones', 'find milestones'], levels: 3 },
  'service-list': { commands: ['aggregate services', 'distinct milestones', 'find directives', 'find directives', 'find services'], levels: 4 },
  'service-timeline': { commands: ['find agencies', 'find directives', 'find milestones', 'find services'], levels: 2 },
  'province-dashboard': {
    commands: ['aggregate milestones', 'aggregate milestones', 'find milestones', 'find provinces', 'find provinces', 'find provinces', 'find provinces'],
    levels: 3,
  },
  breakdown: { commands: ['aggregate milestones', 'aggregate milestones', 'find agencies'], levels: 2 },
  search: { commands: ['find agencies', 'find directives', 'find provinces', 'find services'], levels: 1 },
};

/** The REST URL of an operation, built from its variables as bench/run.ts builds it (array variables are not sent). */
function restPath(op: BenchOperation, variables: Record<string, unknown>): string {
  const query = new URLSearchParams(
    Object.entries(variables)
      .filter(([, v]) => !Array.isArray(v))
      .map(([k, v]): [string, string] => [k, String(v)]),
  );
  const search = query.toString();
  return `/rest/${op.name}${search ? `?${search}` : ''}`;
}

async function listen(app: express.Express): Promise<{ server: Server; url: string }> {
  const server = createHttpServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('the benchmark REST floor (bench/rest-floor.ts)', () => {
  let t: TestGateway;
  let rest: { server: Server; url: string };
  beforeAll(async () => {
    t = await startTestGateway();
    rest = await listen(createRestFloor(t.database.collections));
  });
  afterAll(async () => {
    await new Promise((resolve) => rest.server.close(resolve));
    await t.close();
  });

  async function get(path: string): Promise<{ status: number; body: any }> {
    const response = await fetch(`${rest.url}${path}`);
    return { status: response.status, body: await response.json() };
  }

  async function graphql(op: BenchOperation, variables: Record<string, unknown>): Promise<Record<string, any>> {
    const result = await t.execute(op.query, variables);
    expect(result.errors).toBeUndefined();
    // As a client receives it: plain JSON.
    return JSON.parse(JSON.stringify(result.data)) as Record<string, any>;
  }

  /** GraphQL and REST on the same variables; the REST body must be the same JSON, key order included. */
  async function both(op: BenchOperation, variables: Record<string, unknown>): Promise<Record<string, any>> {
    const data = await graphql(op, variables);
    const { status, body } = await get(restPath(op, variables));
    expect(status).toBe(200);
    expect(body).toEqual(data);
    expect(JSON.stringify(body)).toBe(JSON.stringify(data));
    return data;
  }

  it('covers the six catalogue operations', () => {
    expect(CATALOGUE.map((op) => op.name)).toEqual(['directive', 'service-list', 'service-timeline', 'province-dashboard', 'breakdown', 'search']);
  });

  describe.each(SAMPLE_SETS)('answers the same JSON as GraphQL: %s', (_label, samples) => {
    it('directive: a directive with its milestones, lead agencies and phases', async () => {
      const { directive } = await both(operation('directive'), operation('directive').variables(samples));
      expect(directive.milestones.length).toBeGreaterThan(5);
      expect(directive.milestones.some((m: { leadAgencies: unknown[] }) => m.leadAgencies.length > 0)).toBe(true);
    });

    it('service-list: a page of services with their directives, totalCount and endCursor', async () => {
      const { services } = await both(operation('service-list'), operation('service-list').variables(samples));
      expect(services.nodes.length).toBeGreaterThan(0);
      expect(services.totalCount).toBeGreaterThanOrEqual(services.nodes.length);
      expect(services.pageInfo.endCursor).toEqual(expect.any(String));
      expect(services.nodes[0].directives.length).toBeGreaterThan(0);
    });

    it('service-timeline: a service over time, lead agencies as named then and today', async () => {
      const { service } = await both(operation('service-timeline'), operation('service-timeline').variables(samples));
      expect(service.timeline.length).toBeGreaterThan(0);
      expect(service.timeline[0].leadAgencies[0].currentAgencies.length).toBeGreaterThan(0);
    });

    it('province-dashboard: a province, its done milestones and its status breakdown', async () => {
      const data = await both(operation('province-dashboard'), operation('province-dashboard').variables(samples));
      expect(data.province.formedFrom.length).toBeGreaterThan(0);
      expect(data.byStatus.length).toBeGreaterThan(1);
      // The curated reports read no row as DONE, so `done` is empty here; see 'with rows reported done' below.
      expect(data.done).toEqual({ totalCount: 0, nodes: [] });
    });

    it('breakdown: by lead agency today and by status, with labels', async () => {
      const { byLeadAgency, byStatus } = await both(operation('breakdown'), operation('breakdown').variables(samples));
      expect(byLeadAgency.length).toBeGreaterThan(5);
      expect(byLeadAgency[0].label).toEqual(expect.any(String));
      expect(byStatus.map((b: { key: string | null }) => b.key)).toEqual(expect.arrayContaining([null, 'NOT_DONE', 'PARTIAL']));
    });

    it('search: the first ten hits of every kind, with __typename', async () => {
      const { search } = await both(operation('search'), operation('search').variables(samples));
      expect(search.length).toBeGreaterThan(0);
      expect(search[0].node.__typename).toEqual(expect.any(String));
    });
  });

  it('searches find every kind of node across the sample sets', async () => {
    const kinds = new Set<string>();
    for (const text of ['thue', 'Bộ Công an', 'an giang', '406']) {
      const { search } = await both(operation('search'), { text });
      for (const hit of search) kinds.add(hit.node.__typename);
    }
    expect([...kinds].sort()).toEqual(['Agency', 'Directive', 'Province', 'Service']);
  });

  it('with rows reported done (none in the curated data), lists the same done milestones', async () => {
    const milestones = t.database.collections.milestones;
    const template = await milestones.findOne({ _id: '2348/VPCP-KSTT#II.03' });
    if (!template?.status) throw new Error('seed row 2348/VPCP-KSTT#II.03 has no status');
    const status: MilestoneStatusDocument = { ...template.status, state: 'DONE', asOf: '2024-05-31' };
    const done = (suffix: string, scope: { allProvinces: boolean; provinceIds: string[] }): MilestoneDocument => ({
      ...template,
      ...scope,
      _id: `${template._id}@${suffix}`,
      sortDocument: `${template.sortDocument}@${suffix}`,
      status,
      statusState: 'DONE',
      statusAsOf: status.asOf,
    });
    const added = [done('everywhere', { allProvinces: true, provinceIds: [] }), done('kien-giang', { allProvinces: false, provinceIds: ['63:91'] })];
    await milestones.insertMany(added);
    try {
      const an = await both(operation('province-dashboard'), { code: '91', provinces: ['91'], first: 20 });
      expect(an.done.nodes.map((m: { id: string }) => m.id)).toEqual(added.map((m) => m._id));
      expect(an.done.nodes[0].status).toEqual({ asOf: '2024-05-31' });
      expect(an.byStatus).toContainEqual({ key: 'DONE', count: 2 });
      const haNoi = await both(operation('province-dashboard'), { code: '01', provinces: ['01'], first: 1 });
      expect(haNoi.done).toEqual({ totalCount: 1, nodes: [expect.objectContaining({ id: added[0]._id })] });
      const { byStatus } = await both(operation('breakdown'), {});
      expect(byStatus).toContainEqual({ key: 'DONE', label: null, count: 2 });
    } finally {
      await milestones.deleteMany({ _id: { $in: added.map((m) => m._id) } });
    }
  });

  it('answers unknown ids as GraphQL does: null', async () => {
    expect(await both(operation('directive'), { id: '999/QĐ-TTg' })).toEqual({ directive: null });
    expect(await both(operation('service-timeline'), { id: 'svc-none' })).toEqual({ service: null });
    const unknownProvince = await both(operation('province-dashboard'), { code: '99', provinces: ['99'], first: 20 });
    expect(unknownProvince.province).toBeNull();
    expect(await both(operation('service-list'), { directiveId: '999/QĐ-TTg', first: 20 })).toEqual({
      services: { totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null }, nodes: [] },
    });
  });

  it('pages the same way: a small page has the same endCursor and hasNextPage', async () => {
    const { services } = await both(operation('service-list'), { directiveId: CURATED_SAMPLES.directiveId, first: 3 });
    expect(services.pageInfo.hasNextPage).toBe(true);
    expect(services.nodes).toHaveLength(3);
    const { done } = await both(operation('province-dashboard'), { code: '91', provinces: ['91'], first: 0 });
    expect(done.nodes).toEqual([]);
  });

  it.each([
    ['a missing parameter', '/rest/directive'],
    ['an empty parameter', '/rest/service-timeline?id='],
    ['a repeated parameter', '/rest/directive?id=406%2FQ%C4%90-TTg&id=x'],
    ['an operator in the query string', '/rest/directive?id[$ne]=x'],
    ['a page size that is not a number', '/rest/service-list?directiveId=406%2FQ%C4%90-TTg&first=abc'],
    ['a page size over the maximum', '/rest/service-list?directiveId=406%2FQ%C4%90-TTg&first=1000'],
    ['a negative page size', '/rest/province-dashboard?code=91&first=-1'],
    ['a province code that is not 2 digits', '/rest/province-dashboard?code=9&first=20'],
    ['search text that is only spaces', '/rest/search?text=%20%20'],
  ])('rejects %s with 400 BAD_USER_INPUT', async (_label, path) => {
    const { status, body } = await get(path);
    expect(status).toBe(400);
    expect(body).toEqual({ error: { code: 'BAD_USER_INPUT', message: expect.any(String) } });
  });

  it('never hands an object from the query string to a filter, whatever the query parser', async () => {
    const app = createRestFloor(t.database.collections);
    app.set('query parser', 'extended'); // qs: `id[$ne]=x` becomes { $ne: 'x' }
    const extended = await listen(app);
    try {
      for (const path of ['/rest/directive?id[$ne]=x', '/rest/service-timeline?id[$gt]=', '/rest/search?text[$regex]=.']) {
        const response = await fetch(`${extended.url}${path}`);
        expect(response.status).toBe(400);
        expect(((await response.json()) as { error: { code: string } }).error.code).toBe('BAD_USER_INPUT');
      }
    } finally {
      await new Promise((resolve) => extended.server.close(resolve));
    }
  });

  it('answers 503 DATABASE_UNAVAILABLE when the database does not answer', async () => {
    const client = new MongoClient('mongodb://127.0.0.1:1/?directConnection=true', { serverSelectionTimeoutMS: 300, connectTimeoutMS: 300 });
    const down = await listen(createRestFloor(collections(client.db('nowhere'))));
    try {
      const response = await fetch(`${down.url}/rest/search?text=thue`);
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ error: { code: 'DATABASE_UNAVAILABLE', message: expect.any(String) } });
    } finally {
      await new Promise((resolve) => down.server.close(resolve));
      await client.close();
    }
  });

  describe('round trips', () => {
    /**
     * The commands a request sends, and its sequential round trips. A command
     * that starts after an answer was started by that answer's continuation
     * (no other I/O runs in between), so its level is one more than the level
     * of the latest answer; commands started together run in parallel.
     */
    async function measure(run: () => Promise<unknown>): Promise<{ commands: string[]; levels: number }> {
      const client = t.database.client;
      const started = new Map<number, { name: string; level: number }>();
      let latestAnswer = 0;
      const onStart = (event: CommandStartedEvent) => {
        started.set(event.requestId, { name: `${event.commandName} ${String(event.command[event.commandName])}`, level: latestAnswer + 1 });
      };
      const onEnd = (event: CommandSucceededEvent | CommandFailedEvent) => {
        latestAnswer = started.get(event.requestId)?.level ?? latestAnswer;
      };
      client.on('commandStarted', onStart);
      client.on('commandSucceeded', onEnd);
      client.on('commandFailed', onEnd);
      try {
        await run();
      } finally {
        client.off('commandStarted', onStart);
        client.off('commandSucceeded', onEnd);
        client.off('commandFailed', onEnd);
      }
      const commands = [...started.values()];
      return { commands: commands.map((c) => c.name).sort(), levels: Math.max(0, ...commands.map((c) => c.level)) };
    }

    it.each(Object.entries(ROUND_TRIPS))('%s sends the commands its comment claims, no more than the shipped gateway', async (name, expected) => {
      const op = operation(name);
      const variables = op.variables(CURATED_SAMPLES);
      const path = restPath(op, variables);
      await get(path); // warm the connection pool, so parallel commands are not serialised by connecting
      const measured = await measure(async () => expect((await get(path)).status).toBe(200));
      expect(measured).toEqual(expected);
      const shipped = await measure(() => graphql(op, variables));
      expect(measured.commands.length).toBeLessThanOrEqual(shipped.commands.length);
      expect(measured.levels).toBeLessThanOrEqual(shipped.levels);
    });
  });
});
