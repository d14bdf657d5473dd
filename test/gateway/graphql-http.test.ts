import { auditServer } from 'graphql-http';
import { startTestStack, type TestStack } from '../support/stack';

/** The GraphQL-over-HTTP spec audits of the graphql-http package, against the running gateway. */
describe('GraphQL over HTTP conformance (graphql-http server audits)', () => {
  let t: TestStack;
  let url: string;
  beforeAll(async () => {
    t = await startTestStack({ seed: false });
    url = `${t.url}/graphql`;
  });
  afterAll(() => t.close());

  it('passes every MUST, and reports the SHOULD tally', async () => {
    const results = await auditServer({ url, fetchFn: fetch });
    const tally = { total: results.length, ok: 0, notice: 0, warn: 0, error: 0 };
    const failures: string[] = [];
    for (const result of results) {
      tally[result.status] += 1;
      if (result.status !== 'ok') failures.push(`${result.status.toUpperCase()} ${result.id} ${result.name}: ${result.reason}`);
    }
    process.stdout.write(`graphql-http audits: ${JSON.stringify(tally)}\n${failures.join('\n')}\n`);
    expect(results.length).toBeGreaterThanOrEqual(61);
    // An "error" is a failed MUST, a "warn" a failed SHOULD; a "notice" is informational.
    expect(failures.filter((f) => !f.startsWith('NOTICE'))).toEqual([]);
    expect(tally).toMatchObject({ total: 61, error: 0, warn: 0 });
  });
});
