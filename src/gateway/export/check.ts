import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import type { EdgeServerContext } from '../edge/state';

/**
 * The CSV export's check request: the engine treats it as it treats any
 * /graphql request — the caller authenticated and charged to its rate limit,
 * trusted documents, the token limit, every validation rule, the operation
 * limits, the deadline — and then, instead of executing, answers an empty
 * result. Only then does the export plan the document (src/gateway/export),
 * so a hostile document costs it no more than it costs /graphql, and is
 * charged the same. Last among the edge's plugins: the others have seen it.
 */
export function exportCheckPlugin(): GatewayPlugin {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      if ((args.contextValue as EdgeServerContext | undefined)?.exportCheckOnly) setResultAndStopExecution({ data: {} });
    },
  };
}
