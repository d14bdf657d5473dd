import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { isEnumType, isInterfaceType, isObjectType, isUnionType, parse, type GraphQLSchema } from 'graphql';
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

/** buildSubgraphSchema's resolver map (its package exports no name for it). */
type SubgraphResolverMap = NonNullable<Extract<Parameters<typeof buildSubgraphSchema>[0], { typeDefs: unknown }>['resolvers']>;

/**
 * The names in `resolverMap` that the schema does not have. buildSubgraphSchema silently
 * ignores such resolvers; a typo there would leave a field unresolved, so start-up refuses it
 * (what `requireResolversToMatchSchema: 'error'` did with makeExecutableSchema).
 */
export function resolversMissingFromSchema(schema: GraphQLSchema, resolverMap: SubgraphResolverMap): string[] {
  const missing: string[] = [];
  for (const [typeName, typeResolvers] of Object.entries(resolverMap)) {
    const type = schema.getType(typeName);
    if (!type) {
      missing.push(typeName);
    } else if (isObjectType(type) || isInterfaceType(type)) {
      const fields = type.getFields();
      // `__resolveReference` answers `_entities`, so it belongs only on entities (types with @key).
      const isEntity = type.astNode?.directives?.some((directive) => directive.name.value === 'key') ?? false;
      for (const name of Object.keys(typeResolvers)) {
        const known = name === '__resolveReference' ? isEntity : name === '__isTypeOf' || name === '__resolveType' || name in fields;
        if (!known) missing.push(`${typeName}.${name}`);
      }
    } else if (isUnionType(type)) {
      for (const name of Object.keys(typeResolvers)) if (name !== '__resolveType') missing.push(`${typeName}.${name}`);
    } else if (isEnumType(type)) {
      for (const name of Object.keys(typeResolvers)) if (!type.getValue(name)) missing.push(`${typeName}.${name}`);
    }
  }
  return missing;
}

/**
 * The executable schema, which is also an Apollo Federation 2 subgraph (`_service`, `_entities`;
 * docs/federation.md). buildSubgraphSchema is the one way it is built: it reads the @link'ed
 * federation directives and attaches the resolvers, __resolveReference included.
 */
export function buildSchema(): GraphQLSchema {
  const resolverMap: SubgraphResolverMap = resolvers;
  const schema = buildSubgraphSchema({ typeDefs: loadTypeDefs().map((sdl) => parse(sdl)), resolvers: resolverMap });
  const missing = resolversMissingFromSchema(schema, resolverMap);
  if (missing.length > 0) throw new Error(`Resolvers defined for what the schema does not have: ${missing.join(', ')}`);
  return schema;
}
