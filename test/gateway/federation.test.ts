import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeServices as apolloCompose } from '@apollo/composition';
import { parse } from 'graphql';
import { composeSupergraph, CompositionError } from '../../src/gateway/supergraph/compose';
import { catalogueSdl } from '../../src/subgraphs/catalogue/server';
import { populationSdl } from '../../src/subgraphs/population/server';
import { composeOwnSupergraph, SUPERGRAPH_PATH } from '../../src/scripts/supergraph';
import { loadSeedData } from '../../src/subgraphs/catalogue/seed/load';
import { AGENCY_SDL, startAgencySubgraph, type AgencySubgraph } from '../support/agency-subgraph';
import { openTestDatabase, type TestDatabase } from '../support/database';
import { startOwnSubgraphs, startPlainGateway, type OwnSubgraphs, type PlainGateway } from '../support/plain-gateway';

const post = async (url: string, query: string) => {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: JSON.stringify({ query }),
  });
  return {
    status: response.status,
    body: (await response.json()) as { data?: Record<string, any> | null; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> },
  };
};

const TIMEOUTS_WARNING = 'SUBGRAPH_TIMEOUT_MS is not below EXECUTION_TIMEOUT_MS: a subgraph that hangs is not reported as unavailable';
const DRAIN_WARNING = 'SHUTDOWN_TIMEOUT_MS leaves less time to drain than EXECUTION_TIMEOUT_MS: a request running at shutdown may be cut before its deadline';
const logLines = (gateway: PlainGateway, message: string) => gateway.logs.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.message === message);

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('the committed supergraph', () => {
  it('is what the two subgraphs compose to, with no error and no hint (our composer, and Apollo’s as a second opinion)', () => {
    expect(readFileSync(SUPERGRAPH_PATH, 'utf8')).toBe(`${composeOwnSupergraph().trim()}\n`);
    const apollo = apolloCompose([
      { name: 'catalogue', typeDefs: parse(catalogueSdl()), url: 'http://localhost:4001/graphql' },
      { name: 'population', typeDefs: parse(populationSdl()), url: 'http://localhost:4002/graphql' },
    ]);
    expect(apollo.errors ?? []).toEqual([]);
    expect((apollo.hints ?? []).map((hint) => `${hint.definition.code}: ${hint.message}`)).toEqual([]);
  });

  it('names the subgraph at fault when composition fails', () => {
    const conflicting = AGENCY_SDL.replace('registryOfficeCount: Int!', 'registryOfficeCount: Int!\n    name: Int');
    let failure: unknown;
    try {
      composeSupergraph([
        { name: 'catalogue', url: 'http://catalogue/graphql', sdl: catalogueSdl() },
        { name: 'civil_status', url: 'http://civil/graphql', sdl: conflicting },
      ]);
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(CompositionError);
    expect((failure as CompositionError).line).toMatch(/^subgraph "(civil_status|catalogue)": .*Province\.name/);
    expect((failure as CompositionError).line).not.toContain('\n');
  });
});

/** Our subgraphs deployed apart, a third agency's beside them, and a plain gateway composing all three from SUBGRAPHS. */
describe('a plain federation gateway over three agencies’ subgraphs', () => {
  let database: TestDatabase;
  let own: OwnSubgraphs;
  let agency: AgencySubgraph;
  let gateway: PlainGateway;
  const subgraphs = () => `catalogue=${own.catalogue.url},population=${own.population.url},civil_status=${agency.url}`;

  beforeAll(async () => {
    database = await openTestDatabase('federation');
    await loadSeedData(database.collections);
    own = await startOwnSubgraphs(database);
    agency = await startAgencySubgraph();
    gateway = await startPlainGateway({ SUBGRAPHS: subgraphs() });
  });
  afterAll(async () => {
    await gateway.close();
    await agency.stop();
    await own.close();
    await database.drop();
  });

  it('answers one query across the catalogue and another agency, batching the entities into one _entities call', async () => {
    agency.received.length = 0;
    const { body } = await post(gateway.url, '{ provinces { id name registryOfficeCount } registryOffices { name province { name } } }');
    expect(body.errors).toBeUndefined();
    expect(body.data?.provinces).toHaveLength(34);
    expect(body.data?.provinces[0]).toEqual({ id: '34:01', name: 'Hà Nội', registryOfficeCount: 1 });
    expect(body.data?.registryOffices).toEqual([{ name: 'Phòng Tư pháp (test)', province: { name: 'An Giang' } }]);
    const entityCalls = agency.received.filter((request) => request.query.includes('_entities'));
    expect(entityCalls).toHaveLength(1);
    expect((entityCalls[0]?.variables?.representations as unknown[]).length).toBe(34);
  });

  it('reloads the supergraph without a restart when an agency changes its schema', async () => {
    expect((await post(gateway.url, '{ registryOffices { name code } }')).body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    // The agency deploys a new version at the same address.
    await agency.stop();
    agency = await startAgencySubgraph({
      port: Number(new URL(agency.url).port),
      sdl: AGENCY_SDL.replace('type RegistryOffice { name: String!', 'type RegistryOffice { name: String! code: String'),
      resolvers: {
        Query: { registryOffices: () => [{ name: 'Phòng Tư pháp (test)', code: 'T-01', province: { id: '34:91' } }] },
        Province: { __resolveReference: (r: { id: string }) => ({ id: r.id, registryOfficeCount: 0 }) },
      },
    });
    // The running gateway picks the change up on reload (SIGHUP and SUPERGRAPH_POLL_SECONDS call the same).
    await gateway.running.gateway.reload();
    expect((await post(gateway.url, '{ registryOffices { name code } }')).body.data).toEqual({ registryOffices: [{ name: 'Phòng Tư pháp (test)', code: 'T-01' }] });
  });

  it('keeps serving the last good supergraph when a recomposition fails, and says so in the log and /readyz', async () => {
    const port = Number(new URL(agency.url).port);
    await agency.stop();
    agency = await startAgencySubgraph({ port, sdl: AGENCY_SDL.replace('registryOfficeCount: Int!', 'registryOfficeCount: Int!\n    name: Int') });
    try {
      await gateway.running.gateway.reload();
      expect((await post(gateway.url, '{ directive(id: "406/QĐ-TTg") { id } }')).body.data).toEqual({ directive: { id: '406/QĐ-TTg' } });
      const ready = (await (await fetch(`${gateway.url}/readyz`)).json()) as { status: string; supergraph: { lastError: string | null } };
      expect(ready.status).toBe('degraded');
      expect(ready.supergraph.lastError).toMatch(/Province\.name/);
      expect(gateway.logs.some((line) => line.includes('supergraph reload failed; still serving the last good supergraph'))).toBe(true);
    } finally {
      await agency.stop();
      agency = await startAgencySubgraph({ port });
    }
  });

  it('lets requests in flight finish on the old supergraph while it reloads to a new one', async () => {
    const notices = (field: string) => `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])\n type Query { ${field}: String }`;
    const slow = await startAgencySubgraph({ delayMs: 600 });
    let other = await startAgencySubgraph({ sdl: notices('notice'), resolvers: { Query: { notice: () => 'v1' } } });
    const port = Number(new URL(other.url).port);
    const reloading = await startPlainGateway({ SUBGRAPHS: `catalogue=${own.catalogue.url},population=${own.population.url},civil_status=${slow.url},notices=${other.url}` });
    try {
      const inFlight = Array.from({ length: 5 }, () => post(reloading.url, '{ provinces { name registryOfficeCount } }'));
      await new Promise((resolve) => setTimeout(resolve, 150));
      await other.stop();
      other = await startAgencySubgraph({ port, sdl: notices('latestNotice'), resolvers: { Query: { latestNotice: () => 'v2' } } });
      await reloading.running.gateway.reload();
      expect((await post(reloading.url, '{ latestNotice }')).body.data).toEqual({ latestNotice: 'v2' });
      for (const result of await Promise.all(inFlight)) {
        expect(result.body.errors).toBeUndefined();
        expect(result.body.data?.provinces).toHaveLength(34);
      }
    } finally {
      await reloading.close();
      await slow.stop();
      await other.stop();
    }
  });

  it('answers a slow subgraph’s fields with SUBGRAPH_UNAVAILABLE after SUBGRAPH_TIMEOUT_MS, and the rest of the query', async () => {
    const slow = await startAgencySubgraph({ delayMs: 3_000 });
    const hurried = await startPlainGateway({ SUBGRAPHS: `catalogue=${own.catalogue.url},population=${own.population.url},civil_status=${slow.url}`, SUBGRAPH_TIMEOUT_MS: '300' });
    try {
      const started = performance.now();
      const { body } = await post(hurried.url, '{ directive(id: "406/QĐ-TTg") { id } province(code: "91") { name registryOfficeCount } }');
      expect(performance.now() - started).toBeLessThan(2_500);
      expect(body.data?.directive).toEqual({ id: '406/QĐ-TTg' });
      expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'civil_status' });
      expect(logLines(hurried, 'subgraph unavailable')).toEqual([expect.objectContaining({ level: 'warn', subgraph: 'civil_status', reason: 'GATEWAY_TIMEOUT' })]);
      expect(logLines(hurried, TIMEOUTS_WARNING)).toEqual([]);
      // The defaults drain longer than a request may run.
      expect(logLines(hurried, DRAIN_WARNING)).toEqual([]);
    } finally {
      await hurried.close();
      await slow.stop();
    }
  });

  it('warns of no unavailable subgraph when the caller goes away mid-request, and still warns of one that is down', async () => {
    const slow = await startAgencySubgraph({ delayMs: 3_000 });
    // A subgraph timeout as long as the request's deadline: said at start, since a hung subgraph would then show only as EXECUTION_TIMEOUT.
    const watched = await startPlainGateway({
      SUBGRAPHS: `catalogue=${own.catalogue.url},population=${own.population.url},civil_status=${slow.url}`,
      SUBGRAPH_TIMEOUT_MS: '15000',
      EXECUTION_TIMEOUT_MS: '15000',
      SHUTDOWN_TIMEOUT_MS: '10000',
    });
    const query = '{ province(code: "91") { name registryOfficeCount } }';
    try {
      expect(logLines(watched, TIMEOUTS_WARNING)).toEqual([expect.objectContaining({ level: 'warn', subgraphTimeoutMs: 15_000, executionTimeoutMs: 15_000 })]);
      // And a shutdown whose drain (80% of 10 s) is shorter than the request's deadline.
      expect(logLines(watched, DRAIN_WARNING)).toEqual([expect.objectContaining({ level: 'warn', drainMs: 8_000, executionTimeoutMs: 15_000 })]);
      const caller = new AbortController();
      const leaving = fetch(`${watched.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }), signal: caller.signal });
      await until(() => slow.received.some((request) => request.query.includes('_entities')));
      caller.abort();
      await expect(leaving).rejects.toThrow();
      await until(() => logLines(watched, 'graphql request').length === 1);
      expect(logLines(watched, 'subgraph call abandoned: the caller went away')).toEqual([expect.objectContaining({ level: 'debug', subgraph: 'civil_status' })]);
      expect(logLines(watched, 'subgraph unavailable')).toEqual([]);

      await slow.stop();
      const { body } = await post(watched.url, query);
      expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'civil_status' });
      expect(logLines(watched, 'subgraph unavailable')).toEqual([expect.objectContaining({ level: 'warn', subgraph: 'civil_status', reason: 'SUBREQUEST_HTTP_ERROR' })]);
    } finally {
      await watched.close();
      await slow.stop();
    }
  });

  it('serves a supergraph composed elsewhere from SUPERGRAPH_FILE', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'supergraph-'));
    const file = join(dir, 'supergraph.graphql');
    await writeFile(
      file,
      composeSupergraph([
        { name: 'catalogue', url: own.catalogue.url, sdl: catalogueSdl() },
        { name: 'population', url: own.population.url, sdl: populationSdl() },
      ]),
    );
    const fromFile = await startPlainGateway({ SUPERGRAPH_FILE: file });
    try {
      expect((await post(fromFile.url, '{ directive(id: "406/QĐ-TTg") { id } }')).body.data).toEqual({ directive: { id: '406/QĐ-TTg' } });
      expect(((await (await fetch(`${fromFile.url}/readyz`)).json()) as { subgraphs: Array<{ name: string }> }).subgraphs.map((s) => s.name)).toEqual(['catalogue', 'population']);
    } finally {
      await fromFile.close();
    }
  });
});
