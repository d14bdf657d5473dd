import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { ErrorCode } from '../../src/platform/errors';
import { citizenRequestLimitsPlugin } from '../../src/subgraphs/population/request-limits';

/** The population subgraph's per-request caps, on a schema with the same three root fields. */
describe('citizen request limits', () => {
  let resolved = 0;
  const count = (): string => {
    resolved += 1;
    return 'ok';
  };
  const schema = makeExecutableSchema({
    typeDefs: 'type Query { citizen(id: ID!): String citizens(ids: [ID!]!): [String] verifyCitizen(id: ID!): String other: String }',
    resolvers: { Query: { citizen: count, citizens: (_: unknown, args: { ids: string[] }) => args.ids.map(count), verifyCitizen: count, other: () => 'other' } },
  });
  const server = new ApolloServer({
    schema,
    plugins: [ApolloServerPluginInlineTraceDisabled(), citizenRequestLimitsPlugin({ maxIdsPerRequest: 3, maxVerificationsPerRequest: 1 })],
  });
  beforeAll(() => server.start());
  afterAll(() => server.stop());

  async function run(query: string, variables: Record<string, unknown> = {}): Promise<{ codes: unknown[]; resolvedNow: number }> {
    const before = resolved;
    const response = await server.executeOperation({ query, variables });
    if (response.body.kind !== 'single') throw new Error('expected a single result');
    return { codes: (response.body.singleResult.errors ?? []).map((e) => e.extensions?.code), resolvedNow: resolved - before };
  }

  it('counts IDs across aliases, fragments and inline fragments, and refuses before anything resolves', async () => {
    const query = `query ($ids: [ID!]!) { a: citizen(id: "1") ...F ... on Query { c: citizens(ids: $ids) } }
      fragment F on Query { b: citizen(id: "2") }`;
    expect(await run(query, { ids: ['3'] })).toEqual({ codes: [], resolvedNow: 3 });
    expect(await run(query, { ids: ['3', '4'] })).toEqual({ codes: [ErrorCode.OPERATION_LIMIT_EXCEEDED], resolvedNow: 0 });
  });

  it('counts a lone ID given for a list as the list of one it becomes', async () => {
    const query = 'query ($id: [ID!]!) { a: citizens(ids: $id) b: citizens(ids: $id) c: citizens(ids: $id) d: citizens(ids: $id) }';
    expect(await run(query, { id: '5' })).toEqual({ codes: [ErrorCode.OPERATION_LIMIT_EXCEEDED], resolvedNow: 0 });
  });

  it('counts verifications per request, apart from IDs', async () => {
    expect(await run('{ verifyCitizen(id: "1") citizens(ids: ["1", "2", "3"]) other }')).toEqual({ codes: [], resolvedNow: 4 });
    expect(await run('{ a: verifyCitizen(id: "1") b: verifyCitizen(id: "2") }')).toEqual({ codes: [ErrorCode.OPERATION_LIMIT_EXCEEDED], resolvedNow: 0 });
  });
});
