import type { ExecutionResult } from 'graphql';

/**
 * The operations the user ran, as the fetcher sent them, with what came back. The results view
 * (table, charts, CSV download) reads them from here rather than from the response editor: the
 * user may have edited the query since, and a download must repeat exactly the request whose
 * rows the table shows, with the same headers (the API key). Kept in memory only.
 */
export interface Run {
  /** Increases with every run, so a view can tell a new run from the one it shows. */
  sequence: number;
  query: string;
  variables: Record<string, unknown> | undefined;
  operationName: string | undefined;
  headers: Record<string, string>;
  result: ExecutionResult;
}

type Listener = () => void;

let latest: Run | undefined;
let sequence = 0;
const listeners = new Set<Listener>();

export function recordRun(run: Omit<Run, 'sequence'>): void {
  sequence += 1;
  latest = { ...run, sequence };
  for (const listener of listeners) listener();
}

/** For React's useSyncExternalStore. */
export function subscribeToRuns(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function latestRun(): Run | undefined {
  return latest;
}
