import type { Run } from './runs';

/**
 * "Download CSV": the run's operation, variables and headers (so the API key applies) sent to
 * POST <graphql>/export.csv with the list's path. The gateway flattens the rows with the same
 * code as the table and pages through a whole connection, so the file can hold more rows than
 * the result on screen.
 */

/** The export endpoint beside the GraphQL endpoint (src/server.ts mounts both under /graphql). */
export function exportUrlFor(graphqlPath: string): string {
  return `${graphqlPath.replace(/\/+$/, '')}/export.csv`;
}

/** The endpoint's JSON error (`{errors: [{message}]}`), or the status line when it is not JSON. */
async function errorMessage(response: Response): Promise<string> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as { errors?: Array<{ message?: string }> };
    const message = body.errors?.[0]?.message;
    if (message) return message;
  } catch {
    // Not JSON: a proxy's page, say. Fall through to the status.
  }
  return `HTTP ${response.status} ${response.statusText}`.trim();
}

function fileNameOf(response: Response, path: string): string {
  const disposition = response.headers.get('content-disposition') ?? '';
  return /filename="([^"]+)"/.exec(disposition)?.[1] ?? `${path.replace(/\./g, '-')}.csv`;
}

/** Hands a Blob to the browser as a file download; nothing leaves the page. */
function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // Revoking at once can cancel the download in some browsers; a minute is plenty to start it.
  window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Downloads the list at `path` of `run` as CSV; resolves to the file name, rejects with the gateway's message. */
export async function downloadCsv(exportUrl: string, run: Run, path: string): Promise<string> {
  // The user's headers, with ours replacing any of the same name (a Headers object ignores case).
  const headers = new Headers(run.headers);
  headers.set('accept', 'text/csv, application/json');
  headers.set('content-type', 'application/json');
  const response = await fetch(exportUrl, {
    method: 'POST',
    credentials: 'same-origin',
    headers,
    body: JSON.stringify({ query: run.query, variables: run.variables ?? {}, operationName: run.operationName, path }),
  });
  if (!response.ok) throw new Error(await errorMessage(response));
  const fileName = fileNameOf(response, path);
  saveBlob(await response.blob(), fileName);
  return fileName;
}
