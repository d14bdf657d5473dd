import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { MongoClient } from 'mongodb';
import type { Registry } from 'prom-client';
import { counter, histogram } from '../metrics';

/** Requests a subgraph executed, by outcome, and their duration; no operation names (the gateway's plan names them). */
export function requestMetricsPlugin<TContext extends BaseContext>(registry: Registry, subgraph: string): ApolloServerPlugin<TContext> {
  const requests = counter(registry, 'subgraph_requests_total', 'Requests a subgraph executed, by subgraph and outcome (success, error).', ['subgraph', 'outcome']);
  const duration = histogram(registry, 'subgraph_request_duration_seconds', 'Time a subgraph took per request.', ['subgraph']);
  return {
    async requestDidStart() {
      const stop = duration.startTimer({ subgraph });
      return {
        async willSendResponse({ errors, response }) {
          const failed = Boolean(errors?.length) || (response.body.kind === 'single' && Boolean(response.body.singleResult.errors?.length));
          requests.inc({ subgraph, outcome: failed ? 'error' : 'success' });
          stop();
        },
      };
    },
  };
}

/** Commands a component's database client sends, by command name (needs `monitorCommands: true`, set by src/platform/db/client.ts). */
export function countDatabaseCommands(client: MongoClient, registry: Registry, component: string): void {
  const commands = counter(registry, 'database_commands_total', 'Commands sent to the database, by component and command name.', ['component', 'command']);
  client.on('commandStarted', (event) => commands.inc({ component, command: event.commandName }));
}
