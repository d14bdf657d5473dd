import { Logger as EngineLogger, type LogLevel as EngineLevel } from '@graphql-hive/logger';
import type { Logger } from '../platform/logger';

type Attributes = Record<string | number, unknown> | unknown[] | null | undefined;

function pick(attrs: Attributes, path: string[]): string | undefined {
  let value: unknown = attrs;
  for (const key of path) value = value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  return typeof value === 'string' && value.length <= 100 ? value : undefined;
}

/**
 * The engine's logger, writing through ours with almost nothing of what it
 * carries: the engine logs whole errors, and a subgraph request's error holds
 * the request body, whose variables may be citizen IDs. Only the level, a
 * fixed description, the error code and the subgraph's name pass.
 */
export function engineLogger(log: Logger): EngineLogger {
  const target = log.child({ component: 'engine' });
  return new EngineLogger({
    level: 'warn',
    writers: [
      {
        write(level: EngineLevel, attrs: Attributes) {
          const fields = {
            code: pick(attrs, ['extensions', 'code']) ?? pick(attrs, ['code']),
            subgraph: pick(attrs, ['extensions', 'serviceName']) ?? pick(attrs, ['subgraphName']),
          };
          if (level === 'error') target.error('gateway engine error', fields);
          else if (level === 'warn') target.warn('gateway engine warning', fields);
        },
      },
    ],
  });
}
