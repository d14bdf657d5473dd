import type { MongoClient } from 'mongodb';
import { listen, type Listening } from '../src/platform/http/listen';

/** Database commands sent so far by a target's clients, and how many have not been answered yet. */
export interface DatabaseActivity {
  commands: number;
  running: number;
}

/**
 * Counts the commands `clients` send (each created with `monitorCommands`,
 * as src/platform/db/client.ts does) and serves the count at GET /commands
 * on a loopback port of its own: the benchmark reads it before and after a
 * check request, and waits for `running` to reach 0 between measurements.
 */
export async function serveCommandCount(clients: readonly MongoClient[]): Promise<Listening> {
  const activity: DatabaseActivity = { commands: 0, running: 0 };
  for (const client of clients) {
    client.on('commandStarted', () => {
      activity.commands += 1;
      activity.running += 1;
    });
    client.on('commandSucceeded', () => (activity.running -= 1));
    client.on('commandFailed', () => (activity.running -= 1));
  }
  return listen(
    (_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(activity));
    },
    0,
    '127.0.0.1',
  );
}
