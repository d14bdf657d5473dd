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
 * A UUID (request ids; its last group can be all digits), or a run of exactly 12
 * digits that is not part of a longer word (`k_629b005874249559`, a key id, is not
 * a citizen ID; `/citizens/001234567890`, `"001234567890"` and `id 001234567890` are).
 */
const UUID_OR_TWELVE_DIGITS = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|(?<![0-9A-Za-z])\d{12}(?![0-9A-Za-z])/gi;

/**
 * A last line of defence for logs and traces: a citizen ID's shape (12 digits
 * standing alone) is replaced, whatever put it there (an error message quoting
 * a variable, say). Identifiers of our own are left whole.
 */
export function maskCitizenIdShapes(text: string): string {
  return text.replace(UUID_OR_TWELVE_DIGITS, (match) => (match.length === 12 ? '[12 digits]' : match));
}

function redactCitizenIds(_key: string, value: unknown): unknown {
  return typeof value === 'string' ? maskCitizenIdShapes(value) : value;
}

/** For tests and tools that want no output. */
export const silentLogger: Logger = createLogger('error', {}, () => undefined);
