import { testDatabaseUri } from '../../support/database';
import { spawnGateway, waitForReady, type GatewayProcess } from '../../support/gateway-process';

/**
 * The engine and its HTTP executor add an abort listener, per request and per
 * subgraph call, to the signal they are given. Given the export's own signal,
 * every page's listeners stayed on it until the export ended, and past ten Node
 * warns of a leak. A gateway process (Node's warnings reach its stderr, not a
 * test's `process`) exports a connection one row per page, with the warnings'
 * stacks on: none may come from the export.
 *
 * (The HTTP executor also adds one per subgraph call to a signal of its own that
 * lives as long as the supergraph, removed only when the call's signals are
 * garbage-collected: under load Node warns of that one too. It is the engine's.)
 */
describe('CSV export signals', () => {
  jest.setTimeout(90_000);
  let gateway: GatewayProcess;
  afterAll(async () => {
    gateway.child.kill('SIGTERM');
    await gateway.exited;
  });

  it('gives each page a signal of its own: a 73-page export piles no listeners onto one signal', async () => {
    gateway = spawnGateway({
      MONGODB_URI: testDatabaseUri(),
      MONGODB_DB: `export_signals_${Date.now()}`,
      RATE_LIMIT_ANONYMOUS_PER_MINUTE: '100000',
      NODE_OPTIONS: '--trace-warnings',
    });
    const url = await waitForReady(gateway);
    const onePerPage =
      'query ($after: String) { milestones(first: 1, after: $after, filter: { directiveIds: ["406/QĐ-TTg"] }) { nodes { id } pageInfo { hasNextPage endCursor } } }';
    const response = await fetch(`${url}/graphql/export.csv`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: onePerPage, path: 'milestones' }),
    });
    const rows = (await response.text()).split('\r\n').filter(Boolean);
    expect([response.status, rows.length]).toEqual([200, 1 + 73]);
    // Logged once the response has ended, which the client may see first.
    for (let waited = 0; !gateway.logs().includes('"message":"csv export"') && waited < 5_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(gateway.logs()).toContain('"message":"csv export"');
    const warnings = gateway
      .logs()
      .split(/^(?=\(node:\d+\) )/m)
      .filter((block) => block.includes('MaxListenersExceededWarning'));
    expect(warnings.filter((warning) => /gateway[\\/]export[\\/]/.test(warning))).toEqual([]);
  });
});
