import { appendFileSync, readFileSync } from 'node:fs';
import type { MongoClient } from 'mongodb';
import { readShape, type ReadShape } from './command-shape';

/** One line of a recording: a read shape and the component whose client sent it. */
export interface RecordedShape extends ReadShape {
  component: string;
}

/**
 * Appends the shape of every find, aggregate, count and distinct that `client`
 * sends (driver command monitoring: the client needs `monitorCommands`) to
 * `file`, one JSON line per shape this process has not written yet. Several
 * processes may append to one file (jest's workers, the benchmark's targets):
 * each line is one small append. Only shapes are written, never values.
 */
export function recordReadShapes(client: MongoClient, file: string, component: string): void {
  const written = new Set<string>();
  client.on('commandStarted', (event) => {
    const shape = readShape(event.commandName, event.command as Record<string, unknown>);
    if (!shape) return;
    const line = JSON.stringify({ component, ...shape } satisfies RecordedShape);
    if (written.has(line)) return;
    written.add(line);
    appendFileSync(file, `${line}\n`);
  });
}

/** The shapes in a recording, each once (the file may hold several processes' copies). */
export function readRecordedShapes(file: string): RecordedShape[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const lines = new Set(text.split('\n').filter((line) => line.trim().length > 0));
  return [...lines].map((line) => JSON.parse(line) as RecordedShape);
}
