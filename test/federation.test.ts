import { composeServices } from '@apollo/composition';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { MongoClient, type CommandStartedEvent } from 'mongodb';
import { loadConfig } from '../src/config';
import { silentLogger } from '../src/logger';
import { buildSchema, resolversMissingFromSchema } from '../src/schema';
import { createServer } from '../src/server';
import { startTestGateway, type TestGateway } from './support/gateway';

/**
 * A second subgraph, as another portal would run one: it extends Province with a hotline.
 * The numbers are fictional test data ("TEST-..."), not real hotlines.
 */
const HOTLINE_SUBGRAPH_SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

  type Province @key(fields: "id") {
    id: ID!
    "Fictional test hotline."
    hotline: String
  }

  type Query {
    "Provinces this subgraph has a hotline for."
    provincesWithHotline: [Province!]!
  }
`;

const FICTIONAL_HOTLINES = new Map([
  ['34:01', 'TEST-3401'],
  ['34:91', 'TEST-3491'],
  ['63:91', 'TEST-6391'],
]);

interface ProvinceReference {
  id: string;
}

function hotlineSubgraph(): ApolloServer {
  const schema = buildSubgraphSchema({
    typeDefs: parse(HOTLINE_SUBGRAPH_SDL),
    resolvers: {
      Query: { provincesWithHotline: (): ProvinceReference[] => [...FICTIONAL_HOTLINES.keys()].map((id) => ({ id })) },
      // No __resolveReference: the representation { id } is all a hotline needs.
      Province: { hotline: (province: ProvinceReference) => FICTIONAL_HOTLINES.get(province.id) ?? null },
    },
  });
  // Traces are for Apollo Studio, which this test does not use (and their start-up notice is noise).
  return new ApolloServer({ schema, plugins: [ApolloServerPluginInlineTraceDisabled()] });
}

/** What the supergraph gateway sent to a subgraph. */
interface SubgraphRequest {
  subgraph: string;
  query: string;
  variables: Record<string, unknown>;
}

describe('Apollo Federation 2 subgraph', () => {
  let t: TestGateway;
  let catalogueUrl: string;
  let hotlines: ApolloServer;
  let hotlinesUrl: string;
  let catalogueSdl: string;

  beforeAll(async () => {
    t = await startTestGateway();
    catalogueUrl = `${await t.listen()}/graphql`;
    hotlines = hotlineSubgraph();
    ({ url: hotlinesUrl } = await startStandaloneServer(hotlines, { listen: { port: 0, host: '127.0.0.1' } }));
    // The SDL the running gateway publishes, as a schema registry would fetch it.
    const published = await t.execute<{ _service: { sdl: string } }>('{ _service { sdl } }');
    expect(published.errors).toBeUndefined();
    catalogueSdl = published.data?._service.sdl ?? '';
  });
  afterAll(async () => {
    await hotlines?.stop();
    await t?.close();
  });

  it('publishes its SDL with the entity keys and the federation link', () => {
    for (const type of ['Directive', 'Service', 'Agency', 'Province']) {
      expect(catalogueSdl).toMatch(new RegExp(`type ${type}\\s+@key\\(fields: "id"\\)`));
    }
    expect(catalogueSdl).toContain('@link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])');
    expect(catalogueSdl).toMatch(/type PageInfo\s+@shareable/);
  });

  it('refuses resolvers for what the schema does not have, as makeExecutableSchema did', () => {
    const schema = buildSchema();
    expect(resolversMissingFromSchema(schema, { Province: { hotline: () => null }, Milestone: { __resolveReference: () => null }, Nowhere: {} })).toEqual([
      'Province.hotline',
      'Milestone.__resolveReference',
      'Nowhere',
    ]);
  });

  describe('composed with a second subgraph', () => {
    let supergraphSdl: string;
    let supergraph: ApolloServer;
    const sent: SubgraphRequest[] = [];

    beforeAll(async () => {
      const composition = composeServices([
        { name: 'catalogue', url: catalogueUrl, typeDefs: parse(catalogueSdl) },
        { name: 'hotlines', url: hotlinesUrl, typeDefs: parse(HOTLINE_SUBGRAPH_SDL) },
      ]);
      expect(composition.errors).toBeUndefined();
      expect(composition.hints?.map((hint) => hint.toString())).toEqual([]);
      supergraphSdl = composition.supergraphSdl ?? '';
      const gateway = new ApolloGateway({
        supergraphSdl,
        buildService: ({ name, url }) =>
          new RemoteGraphQLDataSource({
            url,
            // Node's own fetch; every subgraph is on the loopback interface.
            fetcher: fetch,
            willSendRequest: ({ request }) => {
              sent.push({ subgraph: name, query: request.query ?? '', variables: request.variables ?? {} });
            },
          }),
      });
      supergraph = new ApolloServer({ gateway });
      await supergraph.start();
    });
    afterAll(() => supergraph?.stop());

    async function supergraphData(query: string): Promise<Record<string, unknown>> {
      sent.length = 0;
      const response = await supergraph.executeOperation({ query });
      if (response.body.kind !== 'single') throw new Error('expected a single result');
      expect(response.body.singleResult.errors).toBeUndefined();
      return response.body.singleResult.data ?? {};
    }

    it('composes with no errors and no hints, keyed on Province.id', () => {
      expect(supergraphSdl).toContain('@join__type(graph: CATALOGUE, key: "id")');
      expect(supergraphSdl).toContain('@join__type(graph: HOTLINES, key: "id")');
    });

    it('answers a query that starts in the catalogue and reaches the hotline subgraph', async () => {
      const data = await supergraphData('{ province(code: "91") { name formedFrom { name hotline } hotline } }');
      expect(data).toEqual({
        province: { name: 'An Giang', formedFrom: [{ name: 'An Giang', hotline: null }, { name: 'Kiên Giang', hotline: 'TEST-6391' }], hotline: 'TEST-3491' },
      });
      expect(sent[0]?.subgraph).toBe('catalogue');
    });

    it('answers a query that starts in the hotline subgraph and resolves provinces through the catalogue _entities, in one request', async () => {
      const data = await supergraphData('{ provincesWithHotline { id hotline name era mergedInto { name } } }');
      expect(data).toEqual({
        provincesWithHotline: [
          { id: '34:01', hotline: 'TEST-3401', name: 'Hà Nội', era: 'FROM_2025_07', mergedInto: null },
          { id: '34:91', hotline: 'TEST-3491', name: 'An Giang', era: 'FROM_2025_07', mergedInto: null },
          { id: '63:91', hotline: 'TEST-6391', name: 'Kiên Giang', era: 'BEFORE_2025_07', mergedInto: { name: 'An Giang' } },
        ],
      });
      const toCatalogue = sent.filter((request) => request.subgraph === 'catalogue');
      expect(toCatalogue).toHaveLength(1);
      expect(toCatalogue[0]?.query).toContain('_entities(representations:');
      expect(toCatalogue[0]?.variables.representations).toEqual([...FICTIONAL_HOTLINES.keys()].map((id) => ({ __typename: 'Province', id })));
    });
  });

  it('resolves an _entities batch of several representations with one database query per collection', async () => {
    const client = new MongoClient(t.database.uri, { monitorCommands: true });
    const finds: CommandStartedEvent[] = [];
    client.on('commandStarted', (event) => {
      if (['find', 'aggregate', 'count', 'distinct'].includes(event.commandName)) finds.push(event);
    });
    const gateway = await createServer({ config: { ...loadConfig({}), dbRequestTimeoutMs: 2_000 }, database: { client, db: client.db(t.database.name) }, log: silentLogger });
    const representations = [
      { __typename: 'Province', id: '34:91' },
      { __typename: 'Province', id: '63:91' },
      { __typename: 'Province', id: '34:01' },
      { __typename: 'Province', id: '99:99' },
      { __typename: 'Agency', id: 'bo-cong-an' },
      { __typename: 'Agency', id: 'bo-tai-chinh' },
      { __typename: 'Directive', id: '406/QĐ-TTg' },
      { __typename: 'Service', id: 'svc-406-37' },
    ];
    const response = await gateway.apollo.executeOperation(
      {
        query: `query ($representations: [_Any!]!) { _entities(representations: $representations) {
          ... on Province { name } ... on Agency { name } ... on Directive { number } ... on Service { id } } }`,
        variables: { representations },
      },
      { contextValue: gateway.createContext() },
    );
    await gateway.stop();
    await client.close();
    if (response.body.kind !== 'single') throw new Error('expected a single result');
    expect(response.body.singleResult.errors).toBeUndefined();
    expect(response.body.singleResult.data).toEqual({
      _entities: [{ name: 'An Giang' }, { name: 'Kiên Giang' }, { name: 'Hà Nội' }, null, { name: 'Bộ Công an' }, { name: 'Bộ Tài chính' }, { number: '406/QĐ-TTg' }, { id: 'svc-406-37' }],
    });
    // One `$in` per collection, however many representations of that type.
    expect(finds.map((event) => `${event.commandName} ${String(event.command.find)}`).sort()).toEqual(['find agencies', 'find directives', 'find provinces', 'find services']);
    expect(finds.find((event) => event.command.find === 'provinces')?.command.filter).toEqual({ _id: { $in: ['34:91', '63:91', '34:01', '99:99'] } });
  });
});
