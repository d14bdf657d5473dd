/**
 * The child side of a benchmark target process (bench/processes.ts starts
 * them): it announces where it listens as one JSON line on stdout, and exits
 * when the parent closes its stdin, so a parent that dies leaves no target behind.
 */

/** Prints `ready` as one JSON line and exits when stdin closes. */
export function announce(ready: Record<string, string>): void {
  process.stdout.write(`${JSON.stringify(ready)}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => process.exit(0));
}

/** Runs a target's main function; any failure is printed and ends the process with code 1. */
export function runTarget(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}

/** A required setting of a target process. */
export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} must be set (bench/run.ts sets it)`);
  return value;
}
