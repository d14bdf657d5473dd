import { testDatabaseUri } from '../support/database';
import { spawnGateway, waitForReady } from '../support/gateway-process';

/** SIGTERM during a burst: requests already accepted finish, new ones are refused, the process exits in time. */
describe('graceful shutdown under load', () => {
  jest.setTimeout(90_000);

  it('finishes every in-flight request and exits 0', async () => {
    const gateway = spawnGateway({ MONGODB_URI: testDatabaseUri(), MONGODB_DB: `shutdown_${Date.now()}`, SHUTDOWN_TIMEOUT_MS: '20000' });
    const url = await waitForReady(gateway);
    const query = JSON.stringify({ query: '{ milestones(first: 100) { totalCount nodes { id service { timeline { id leadAgencies { name } } } } } }' });
    const outcomes = { ok: 0, refused: 0, failed: [] as string[] };
    const send = async () => {
      try {
        const response = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: query });
        const body = (await response.json()) as { data?: { milestones?: { totalCount: number } }; errors?: Array<{ extensions?: { code?: string } }> };
        if (response.status === 200 && body.data?.milestones?.totalCount === 185) outcomes.ok += 1;
        else if (response.status === 503 && body.errors?.[0]?.extensions?.code === 'SHUTTING_DOWN') outcomes.refused += 1;
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
    const signalledAt = Date.now();
    gateway.child.kill('SIGTERM');
    // A second wave after the signal: it must be refused, not half-served.
    await new Promise((resolve) => setTimeout(resolve, 200));
    for (let i = 0; i < 10; i += 1) burst.push(send());
    await Promise.all(burst);
    const code = await gateway.exited;
    process.stdout.write(`shutdown under load: ${outcomes.ok} completed, ${outcomes.refused} refused, ${outcomes.failed.length} failed\n`);
    expect(outcomes.failed).toEqual([]);
    expect(outcomes.ok).toBeGreaterThanOrEqual(1);
    expect(outcomes.ok + outcomes.refused).toBe(40);
    expect(code).toBe(0);
    expect(Date.now() - signalledAt).toBeLessThan(20_000);
    expect(gateway.logs()).toContain('"message":"stopped"');
  });
});
