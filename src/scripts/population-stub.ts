import { ConfigError } from '../platform/config';
import { loadStubConfig } from '../stubs/population/config';
import { startPopulationStub } from '../stubs/population/server';

/** `npm run population-stub`: the National Population Database stub as a standalone service (synthetic data only). */
async function main(): Promise<void> {
  const config = loadStubConfig(process.env);
  const stub = await startPopulationStub(config);
  process.stdout.write(`Population database stub (synthetic citizens) listening: POPULATION_API_URL=${stub.url} (mode ${config.mode}). Ctrl-C stops it.\n`);
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    stub.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  // Exit code 2 for configuration mistakes, as the gateway does.
  process.exit(error instanceof ConfigError ? 2 : 1);
});
