import { testDatabaseUri } from '../support/database';
import { spawnGateway, waitForReady } from '../support/gateway-process';

/**
 * Generous per-call timeouts: this test is about the order of shutdown, and on a
 * loaded two-core CI host thirty heavy queries beside other suites once outran
 * the 5 s database and 10 s subgraph defaults (DATABASE_UNAVAILABLE,
 * SUBGRAPH_UNAVAILABLE), which said nothing about shutdown. Timeouts have tests
 * of their own (test/catalogue/outage, test/gateway/federation).
 */
const SHUTDOWN_TIMEOUT_MS = 60_000;
const PATIENT = { DB_REQUEST_TIMEOUT_MS: '45000', SUBGRAPH_TIMEOUT_MS: '45000', EXECUTION_TIMEOUT_MS: '50000', SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS) };

/** SIGTERM during a burst: requests already accepted finish, new ones are refused, the process exits in time. */
describe('graceful shutdown under load', () => {
  jest.setTimeout(150_000);

  it('finishes every in-flight request and exits 0', async () => {
    const gateway = spawnGateway({ MONGODB_URI: testDatabaseUri(), MONGODB_DB: `shutdown_${Date.now()}`, ...PATIENT });
    const url = await waitForReady(gateway);
    const query = JSON.stringify({ query: '{ milestones(first: 100) { totalCount nodes { id service { timeline { id leadAgencies { name } } } } } }' });
    let signalledAt = Number.POSITIVE_INFINITY;
    const outcomes = { ok: 0, okAfterSignal: 0, refused: 0, failed: [] as string[] };
    const send = async () => {
      try {
        const response = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: query });
        const body = (await response.json()) as { data?: { milestones?: { totalCount: number } }; errors?: Array<{ extensions?: { code?: string } }> };
        if (response.status === 200 && body.data?.milestones?.totalCount === 185 && !body.errors) {
          outcomes.ok += 1;
          if (Date.now() > signalledAt) outcomes.okAfterSignal += 1;
        } else if (response.status === 503 && body.errors?.[0]?.extensions?.code === 'SHUTTING_DOWN') outcomes.refused += 1;
        else outcomes.failed.push(`status ${response.status} ${JSON.stringify(body).slice(0, 200)}`);
      } catch (error) {
        const code = (error as { cause?: { code?: string } }).cause?.code;
        // Refused (503 above, or no listener any more) is the correct answer for requests sent after SIGTERM.
        if (code === 'ECONNREFUSED') outcomes.refused += 1;
        else outcomes.failed.push(String(code ?? error));
      }
    };
    const burst: Array<Promise<void>> = [];
    for (let i = 0; i < 30; i += 1) burst.push(send());
    await new Promise((resolve) => setTimeout(resolve, 30));
    signalledAt = Date.now();
    gateway.child.kill('SIGTERM');
    // A second wave after the signal: it must be refused, not half-served.
    await new Promise((resolve) => setTimeout(resolve, 200));
    for (let i = 0; i < 10; i += 1) burst.push(send());
    await Promise.all(burst);
    const code = await gateway.exited;
    const took = Date.now() - signalledAt;
    process.stdout.write(
      `shutdown under load: ${outcomes.ok} completed (${outcomes.okAfterSignal} after the signal), ${outcomes.refused} refused, ${outcomes.failed.length} failed; exit ${took} ms after the signal\n`,
    );
    expect(outcomes.failed).toEqual([]);
    // At least one request accepted before the signal was still running at it, and finished whole.
    expect(outcomes.okAfterSignal).toBeGreaterThanOrEqual(1);
    expect(outcomes.ok + outcomes.refused).toBe(40);
    expect(code).toBe(0);
    expect(took).toBeLessThan(SHUTDOWN_TIMEOUT_MS);
    expect(gateway.logs()).toContain('"message":"stopped"');
    expect(gateway.logs()).not.toContain('requests still running at the shutdown deadline were cut');
  });
});
