import { ConfigError } from '../../../src/platform/config';

/** The ConfigError `read` throws, or undefined when it reads without one; any other error is thrown on. */
export function configErrorOf(read: () => unknown): ConfigError | undefined {
  try {
    read();
    return undefined;
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
}

/** The ConfigError `read` must throw. */
export function expectConfigError(read: () => unknown): ConfigError {
  const error = configErrorOf(read);
  if (!error) throw new Error('expected a ConfigError');
  return error;
}
