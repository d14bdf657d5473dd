import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { GraphQLSchema } from 'graphql';
import { resolvers } from '../resolvers';

/** schema/ seen from src (tests) or dist/src (built). */
function schemaDir(): string {
  const fromSource = resolve(__dirname, '..', 'schema');
  try {
    readdirSync(fromSource);
    return fromSource;
  } catch {
    return resolve(__dirname, '..', '..', 'schema');
  }
}

/** The SDL, read once at start: base.graphql first, the rest in name order. */
export function loadTypeDefs(): string[] {
  const dir = schemaDir();
  const files = readdirSync(dir)
    .filter((file) => file.endsWith('.graphql'))
    .sort((a, b) => (a === 'base.graphql' ? -1 : b === 'base.graphql' ? 1 : a.localeCompare(b)));
  return files.map((file) => readFileSync(join(dir, file), 'utf8'));
}

export function buildSchema(): GraphQLSchema {
  return makeExecutableSchema({ typeDefs: loadTypeDefs(), resolvers, resolverValidationOptions: { requireResolversToMatchSchema: 'error' } });
}
