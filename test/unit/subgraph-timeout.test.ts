import type { ExecutionRequest } from '@graphql-tools/utils';
import { GraphQLError, parse } from 'graphql';
import { isAbandoned } from '../../src/gateway/edge/errors';
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

  describe('tells a call the caller abandoned from one that failed', () => {
    const fetchError = () => new GraphQLError('fetch failed', { extensions: { code: 'SUBREQUEST_HTTP_ERROR', serviceName: 'catalogue' } });
    /** A call that answers with the engine's error a moment after its signal aborts (as the HTTP executor does), or after `failAfterMs`. */
    const engineCall = (failAfterMs?: number) =>
      withTimeout(
        (r) =>
          new Promise((resolve) => {
            const reason = () => (r.signal?.reason instanceof GraphQLError ? r.signal.reason : fetchError());
            r.signal?.addEventListener('abort', () => setTimeout(() => resolve({ errors: [reason()] }), 5));
            if (failAfterMs !== undefined) setTimeout(() => resolve({ errors: [fetchError()] }), failAfterMs);
          }),
        'catalogue',
        100,
      );

    it('marks the errors of a call the caller’s signal aborted', async () => {
      const caller = new AbortController();
      const answer = engineCall()({ ...request, signal: caller.signal });
      caller.abort();
      const { errors } = (await answer) as { errors: GraphQLError[] };
      expect(errors).toHaveLength(1);
      expect(isAbandoned(errors[0])).toBe(true);
    });

    it('marks an answer given synchronously to a caller already gone', () => {
      const caller = new AbortController();
      caller.abort();
      const result = withTimeout(() => ({ errors: [fetchError()] }), 'catalogue', 100)({ ...request, signal: caller.signal }) as { errors: GraphQLError[] };
      expect(isAbandoned(result.errors[0])).toBe(true);
    });

    it('leaves a failure unmarked when the caller is still there, or left only after it', async () => {
      const caller = new AbortController();
      const { errors } = (await engineCall(10)({ ...request, signal: caller.signal })) as { errors: GraphQLError[] };
      caller.abort();
      expect(isAbandoned(errors[0])).toBe(false);
    });

    it('leaves our own deadline’s GATEWAY_TIMEOUT unmarked, even when the caller leaves just after', async () => {
      const caller = new AbortController();
      const timedOut: unknown = await Promise.resolve(engineCall()({ ...request, signal: caller.signal })).catch((error: unknown) => error);
      // The call itself answers 5 ms after the deadline aborted it: by then the caller is gone too.
      caller.abort();
      await sleep(20);
      expect(timedOut).toMatchObject({ extensions: { code: 'GATEWAY_TIMEOUT' } });
      expect(isAbandoned(timedOut)).toBe(false);
    });
  });
});
