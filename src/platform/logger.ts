import type { LogLevel } from './config';

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

/**
 * Structured logs: one JSON object per line on stderr. Callers pass ids and
 * counts, never personal data or credentials.
 */
export function createLogger(level: LogLevel, base: LogFields = {}, write: (line: string) => void = (line) => process.stderr.write(line + '\n')): Logger {
  const emit = (at: LogLevel, message: string, fields?: LogFields): void => {
    if (ORDER[at] < ORDER[level]) return;
    write(JSON.stringify({ time: new Date().toISOString(), level: at, message, ...base, ...fields }, redactCitizenIds));
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (fields) => createLogger(level, { ...base, ...fields }, write),
  };
}

/**
 * A last line of defence: any run of exactly 12 digits in a logged string (the
 * shape of a citizen ID) is replaced, whatever put it there (an error message
 * quoting a variable, say).
 */
function redactCitizenIds(_key: string, value: unknown): unknown {
  return typeof value === 'string' ? value.replace(/(?<!\d)\d{12}(?!\d)/g, '[12 digits]') : value;
}

/** For tests and tools that want no output. */
export const silentLogger: Logger = createLogger('error', {}, () => undefined);
