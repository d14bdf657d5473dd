import type { ExecutionRequest } from '@graphql-tools/utils';
import { parse } from 'graphql';
import { withTimeout } from '../../src/gateway/edge/subgraph-timeout';

const request: ExecutionRequest = { document: parse('{ health { status } }') };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the subgraph call deadline', () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
  beforeEach(() => {
    unhandled.length = 0;
    process.on('unhandledRejection', onUnhandled);
  });
  afterEach(() => void process.off('unhandledRejection', onUnhandled));

  it('leaves nothing armed when a call answers synchronously (the engine’s upstreamTimeout rejected into the void here)', async () => {
    const call = withTimeout(() => ({ data: { health: { status: 'ok' } } }), 'catalogue', 20);
    expect(call(request)).toEqual({ data: { health: { status: 'ok' } } });
    await sleep(60);
    expect(unhandled).toEqual([]);
  });

  it('answers a prompt call and clears its timer', async () => {
    const call = withTimeout(async () => ({ data: { ok: true } }), 'catalogue', 20);
    await expect(call(request)).resolves.toEqual({ data: { ok: true } });
    await sleep(60);
    expect(unhandled).toEqual([]);
  });

  it('fails a slow call with GATEWAY_TIMEOUT naming the subgraph, and aborts the signal it was given', async () => {
    let given: AbortSignal | undefined;
    const call = withTimeout(
      (slowRequest) => {
        given = slowRequest.signal;
        return new Promise(() => undefined);
      },
      'population',
      20,
    );
    await expect(call(request)).rejects.toMatchObject({
      message: 'The subgraph "population" did not answer within 20 ms.',
      extensions: { code: 'GATEWAY_TIMEOUT', serviceName: 'population' },
    });
    expect(given?.aborted).toBe(true);
    expect(unhandled).toEqual([]);
  });

  it('passes on a failure of the call itself, thrown or rejected', async () => {
    const thrown = withTimeout(
      () => {
        throw new Error('boom');
      },
      'catalogue',
      20,
    );
    expect(() => thrown(request)).toThrow('boom');
    const rejected = withTimeout(async () => Promise.reject(new Error('refused')), 'catalogue', 20);
    await expect(rejected(request)).rejects.toThrow('refused');
    await sleep(60);
    expect(unhandled).toEqual([]);
  });

  it('keeps the caller’s own cancellation', async () => {
    const caller = new AbortController();
    let given: AbortSignal | undefined;
    const call = withTimeout(
      (r) => {
        given = r.signal;
        return { data: {} };
      },
      'catalogue',
      1000,
    );
    call({ ...request, signal: caller.signal });
    caller.abort();
    expect(given?.aborted).toBe(true);
  });
});
