import { sampleCitizenIds } from '../../src/stubs/population/generator';
import { bearer, startTestStack, type TestStack } from '../support/stack';

/**
 * Callers stay apart. The engine can merge identical subgraph requests in flight;
 * the signed identity is added after that point, so merging would hand one caller's
 * answer (and rights) to another. It is off: each caller's request reaches the subgraph
 * with its own identity.
 */
describe('callers sending the same query at the same time', () => {
  let t: TestStack;
  beforeAll(async () => {
    t = await startTestStack();
    await t.stubAdmin('PUT', '/admin/faults', { latencyMs: 300 });
  });
  afterAll(() => t.close());

  it('each get their own answer: an anonymous caller never receives what an officer may see', async () => {
    const ids = sampleCitizenIds(3, 77);
    const query = 'query ($ids: [ID!]!) { citizens(ids: $ids, purpose: IDENTITY) { id fullName } }';
    const officer = await t.key('officer');
    for (let round = 0; round < 3; round += 1) {
      const [asOfficer, anonymous] = await Promise.all([t.graphql(query, { ids }, bearer(officer)), t.graphql(query, { ids })]);
      expect(asOfficer.body.data?.citizens).toHaveLength(3);
      expect(anonymous.body.data?.citizens ?? null).toBeNull();
      expect(anonymous.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
  });

  it('send one subgraph request per caller, even for the same public query', async () => {
    const before = (await t.stack.registry.getSingleMetric('subgraph_requests_total')?.get())?.values.find((v) => v.labels.subgraph === 'catalogue')?.value ?? 0;
    const query = '{ directive(id: "406/QĐ-TTg") { id } }';
    const answers = await Promise.all(Array.from({ length: 4 }, () => t.graphql(query)));
    for (const answer of answers) expect(answer.body.data).toEqual({ directive: { id: '406/QĐ-TTg' } });
    const after = (await t.stack.registry.getSingleMetric('subgraph_requests_total')?.get())?.values.find((v) => v.labels.subgraph === 'catalogue')?.value ?? 0;
    expect(after - before).toBe(4);
  });
});
