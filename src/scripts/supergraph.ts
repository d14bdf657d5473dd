import { readFileSync, writeFileSync } from 'node:fs';
import { composeSupergraph, CompositionError } from '../gateway/supergraph/compose';
import { projectPath } from '../platform/paths';
import { CATALOGUE_DEFAULT_PORT } from '../subgraphs/catalogue/config';
import { catalogueSdl } from '../subgraphs/catalogue/server';
import { POPULATION_DEFAULT_PORT } from '../subgraphs/population/config';
import { populationSdl } from '../subgraphs/population/server';

export const SUPERGRAPH_PATH = projectPath('schema', 'supergraph.graphql');

/** The supergraph of our two subgraphs from their SDL in schema/, pointing at their default ports (`npm run subgraph`). */
export function composeOwnSupergraph(): string {
  return composeSupergraph([
    { name: 'catalogue', url: `http://localhost:${CATALOGUE_DEFAULT_PORT}/graphql`, sdl: catalogueSdl() },
    { name: 'population', url: `http://localhost:${POPULATION_DEFAULT_PORT}/graphql`, sdl: populationSdl() },
  ]);
}

/**
 * `npm run supergraph`: writes schema/supergraph.graphql; `-- --check` exits 1
 * when the committed file differs from what the subgraphs' SDL composes to.
 */
function main(): void {
  let composed: string;
  try {
    composed = `${composeOwnSupergraph().trim()}\n`;
  } catch (error) {
    process.stderr.write(`Composition failed: ${error instanceof CompositionError ? error.line : String(error)}\n`);
    process.exit(1);
  }
  if (!process.argv.includes('--check')) {
    writeFileSync(SUPERGRAPH_PATH, composed);
    process.stdout.write(`Wrote ${SUPERGRAPH_PATH}\n`);
    return;
  }
  const committed = readFileSync(SUPERGRAPH_PATH, 'utf8');
  if (committed !== composed) {
    process.stderr.write('schema/supergraph.graphql is stale: run `npm run supergraph` and commit it\n');
    process.exit(1);
  }
  process.stdout.write('schema/supergraph.graphql matches the subgraphs\n');
}

if (require.main === module) main();
