import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { isPromise, type ExecutionRequest, type ExecutionResult, type MaybePromise } from '@graphql-tools/utils';
import { GraphQLError } from 'graphql';

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
    let result: ReturnType<Executor>;
    try {
      result = executor({ ...request, signal });
    } catch (error) {
      clearTimeout(timer);
      throw error;
    }
    if (!isPromise(result)) {
      clearTimeout(timer);
      return result;
    }
    return new Promise((resolve, reject) => {
      const onDeadline = (): void => reject(deadline.signal.reason);
      deadline.signal.addEventListener('abort', onDeadline, { once: true });
      Promise.resolve(result)
        .then(resolve, reject)
        .finally(() => {
          clearTimeout(timer);
          deadline.signal.removeEventListener('abort', onDeadline);
        });
    });
  };
}

function timeoutError(subgraphName: string, timeoutMs: number): GraphQLError {
  return new GraphQLError(`The subgraph "${subgraphName}" did not answer within ${timeoutMs} ms.`, { extensions: { code: TIMEOUT_CODE, serviceName: subgraphName } });
}
