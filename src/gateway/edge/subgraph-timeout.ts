import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { isPromise, type ExecutionRequest, type ExecutionResult, type MaybePromise } from '@graphql-tools/utils';
import { GraphQLError } from 'graphql';
import { markAbandoned } from './errors';

/** The engine's code for a subgraph that did not answer in time (mapped to SUBGRAPH_UNAVAILABLE by edge/errors). */
const TIMEOUT_CODE = 'GATEWAY_TIMEOUT';

type Executor = (request: ExecutionRequest) => MaybePromise<ExecutionResult | AsyncIterable<ExecutionResult>>;

/**
 * A deadline on every subgraph call: the call's signal aborts (so the fetch is cancelled) and the
 * call fails with GATEWAY_TIMEOUT naming the subgraph. Ours rather than the engine's
 * `upstreamTimeout`, which arms a rejection when a call starts and leaves it armed when the call
 * answers synchronously: its timer later rejects a promise nobody awaits, and Node ends the
 * process on that unhandled rejection (@graphql-hive/gateway-runtime 2.12.1). Here the timer is
 * cleared as soon as the call settles, however it settles.
 *
 * A call whose caller's signal aborted it (the client went away, or its request's deadline passed)
 * has its errors marked abandoned, so that edge/errors does not report a subgraph as unavailable.
 */
export function subgraphTimeoutPlugin(timeoutMs: number): GatewayPlugin {
  return {
    onSubgraphExecute({ subgraphName, executor, setExecutor }) {
      setExecutor(withTimeout(executor as Executor, subgraphName, timeoutMs) as typeof executor);
    },
  };
}

export function withTimeout(executor: Executor, subgraphName: string, timeoutMs: number): Executor {
  return (request) => {
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(timeoutError(subgraphName, timeoutMs)), timeoutMs);
    const signal = request.signal ? AbortSignal.any([request.signal, deadline.signal]) : deadline.signal;
    // Our own deadline is not the caller's: a call it cut short stays a failure of the subgraph.
    const noted = <T>(outcome: T): T => (request.signal?.aborted && !deadline.signal.aborted ? abandoned(outcome) : outcome);
    let result: ReturnType<Executor>;
    try {
      result = executor({ ...request, signal });
    } catch (error) {
      clearTimeout(timer);
      throw noted(error);
    }
    if (!isPromise(result)) {
      clearTimeout(timer);
      return noted(result);
    }
    return new Promise((resolve, reject) => {
      const onDeadline = (): void => reject(deadline.signal.reason);
      deadline.signal.addEventListener('abort', onDeadline, { once: true });
      Promise.resolve(result)
        .then(
          (answer) => resolve(noted(answer)),
          (error: unknown) => reject(noted(error)),
        )
        .finally(() => {
          clearTimeout(timer);
          deadline.signal.removeEventListener('abort', onDeadline);
        });
    });
  };
}

/** A call's outcome (its error, or its result's errors) once the caller's signal has aborted it. */
function abandoned<T>(outcome: T): T {
  markAbandoned(outcome);
  for (const error of (outcome as ExecutionResult | undefined)?.errors ?? []) markAbandoned(error);
  return outcome;
}

function timeoutError(subgraphName: string, timeoutMs: number): GraphQLError {
  return new GraphQLError(`The subgraph "${subgraphName}" did not answer within ${timeoutMs} ms.`, { extensions: { code: TIMEOUT_CODE, serviceName: subgraphName } });
}
