/**
 * The gateway's browser IDE: GraphiQL 3 with a pane of the ready-made operations from
 * schema/examples, the query builder (GraphiQL's explorer), and the result as a table or a
 * chart. Bundled offline by scripts/build-ide.js; the gateway serves the result
 * (src/gateway/ide/router.ts) and embeds the page config (examples, GraphQL path).
 */
import { explorerPlugin } from '@graphiql/plugin-explorer';
import { GraphiQL, type GraphiQLProps } from 'graphiql';
import { GraphQLError, type ExecutionResult } from 'graphql';
import { createRoot } from 'react-dom/client';
import 'graphiql/graphiql.css';
import '@graphiql/plugin-explorer/dist/style.css';
import './ide.css';
import { exportUrlFor } from './csv-download';
import { createExamplesPlugin } from './examples-plugin';
import { readPageConfig } from './page-config';
import { createPrivateStorage } from './private-storage';
import { ResultsView } from './results-view';
import { recordRun } from './runs';

const config = readPageConfig();

const WELCOME_QUERY = `# dvc-gateway GraphQL IDE
#
# Ready-made operations: the list icon, left.
# Build a query by ticking fields: the
#   folder icon (query builder).
# Schema docs: the book icon.
# Autocomplete: Ctrl-Space. Run: Ctrl-Enter.
# Results as a table or a chart, and as a
# CSV file: JSON | Table | Chart, above the
# result.
#
# Citizen lookups need an API key, in the
# Headers tab below:
#   {"Authorization": "Bearer dvc_..."}
# Headers and variables are never stored in
# the browser: closing or reloading the page
# forgets them. Queries, tabs and history
# are stored in this browser without them,
# and with 12-digit numbers (citizen IDs)
# removed.

{
  directive(id: "406/qd-ttg") {
    id
    title
    date
  }
}
`;

/** What GraphiQL names its introspection query (the `introspectionQueryName` prop, left as is). */
const INTROSPECTION_OPERATION = 'IntrospectionQuery';

/**
 * A plain POST per operation to the gateway itself (same origin). Our own fetcher rather
 * than @graphiql/toolkit's: the gateway has no subscriptions, so nothing of graphql-ws or
 * multipart streaming needs to ship.
 */
const fetcher: GraphiQLProps['fetcher'] = async (params, options) => {
  const headers = (options?.headers ?? {}) as Record<string, string>;
  const response = await fetch(config.graphqlPath, {
    method: 'POST',
    credentials: 'same-origin',
    headers: {
      accept: 'application/graphql-response+json, application/json',
      'content-type': 'application/json',
      ...headers,
    },
    body: JSON.stringify(params),
  });
  const text = await response.text();
  let result: ExecutionResult;
  try {
    result = JSON.parse(text) as ExecutionResult;
  } catch {
    // A proxy's error page or similar: show it rather than a JSON parse error.
    return { errors: [new GraphQLError(`HTTP ${response.status}: ${text.slice(0, 500)}`)] };
  }
  // Every run but GraphiQL's own schema introspection, which it names so (its default
  // `introspectionQueryName`); the results view must not show the schema as the user's result.
  if (params.operationName !== INTROSPECTION_OPERATION) {
    recordRun({ query: params.query, variables: params.variables ?? undefined, operationName: params.operationName ?? undefined, headers, result });
  }
  return result;
};

/** GraphiQL's tabs, history and preferences in localStorage, never headers nor variables (private-storage.ts). */
const storage = createPrivateStorage(window.localStorage);

const examplesPlugin = createExamplesPlugin(config.examples, WELCOME_QUERY);
// The query builder: tick fields, fill in arguments. Its own "run" button runs through our fetcher too.
const queryBuilderPlugin = { ...explorerPlugin(), title: 'Query builder (explorer)' };

const container = document.getElementById('graphiql');
if (container) {
  createRoot(container).render(
    <GraphiQL
      fetcher={fetcher}
      defaultQuery={WELCOME_QUERY}
      storage={storage}
      // Hides the "Persist headers" switch: private-storage.ts would refuse to store them anyway.
      shouldPersistHeaders={false}
      plugins={[examplesPlugin, queryBuilderPlugin]}
      // Open on the examples when there are any; the prop must be the same object as in `plugins`.
      visiblePlugin={config.examples.length > 0 ? examplesPlugin : undefined}
      defaultEditorToolsVisibility="headers"
      isHeadersEditorEnabled
    >
      {/* Our own title; GraphiQL's default logo links to GitHub, and the page should not point away. */}
      <GraphiQL.Logo>
        <span className="ide-logo">
          dvc-gateway Graph<em>i</em>QL
        </span>
      </GraphiQL.Logo>
      <GraphiQL.Footer>
        <ResultsView exportUrl={exportUrlFor(config.graphqlPath)} />
      </GraphiQL.Footer>
    </GraphiQL>,
  );
}
