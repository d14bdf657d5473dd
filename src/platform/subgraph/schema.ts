import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { IResolvers } from '@graphql-tools/utils';
import { Kind, parse, type DefinitionNode, type DocumentNode, type GraphQLResolveInfo, type GraphQLSchema } from 'graphql';

/**
 * Federation 2 subgraphs built with graphql-tools' makeExecutableSchema plus
 * the additions of the Apollo Federation subgraph specification (`_service`,
 * `_entities`, `_Any`, the federation directives). We do not use
 * @apollo/subgraph: it depends on @apollo/federation-internals, which is under
 * the Elastic License 2.0, and The Guild's @graphql-tools/federation dropped
 * its subgraph builder in version 2. What the spec asks of a subgraph is
 * small and is covered by tests through composition and the gateway.
 */

/** The SDL of a subgraph: every `.graphql` file in `dir`, base.graphql first, read once at start. */
export function readSubgraphSdl(dir: string): string {
  const files = readdirSync(dir)
    .filter((file) => file.endsWith('.graphql'))
    .sort((a, b) => (a === 'base.graphql' ? -1 : b === 'base.graphql' ? 1 : a.localeCompare(b)));
  return files.map((file) => readFileSync(join(dir, file), 'utf8')).join('\n');
}

/** Definitions a Federation 2 subgraph must add for the directives it imports with @link. */
const FEDERATION_DEFINITIONS = parse(`
  scalar _Any
  scalar FieldSet
  scalar link__Import
  enum link__Purpose { SECURITY EXECUTION }
  type _Service { sdl: String }
  directive @link(url: String!, as: String, for: link__Purpose, import: [link__Import]) repeatable on SCHEMA
  directive @key(fields: FieldSet!, resolvable: Boolean = true) repeatable on OBJECT | INTERFACE
  directive @requires(fields: FieldSet!) on FIELD_DEFINITION
  directive @provides(fields: FieldSet!) on FIELD_DEFINITION
  directive @external(reason: String) on OBJECT | FIELD_DEFINITION
  directive @shareable repeatable on OBJECT | FIELD_DEFINITION
  directive @inaccessible on FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ARGUMENT_DEFINITION | SCALAR | ENUM | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION
  directive @override(from: String!) on FIELD_DEFINITION
  directive @tag(name: String!) repeatable on FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ARGUMENT_DEFINITION | SCALAR | ENUM | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION
  directive @interfaceObject on OBJECT
  directive @composeDirective(name: String!) repeatable on SCHEMA
`);

/** Object types with a resolvable @key: the members of `_Entity`. */
export function entityTypeNames(document: DocumentNode): string[] {
  const names = new Set<string>();
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    const resolvable = definition.directives?.some(
      (directive) => directive.name.value === 'key' && !directive.arguments?.some((arg) => arg.name.value === 'resolvable' && arg.value.kind === Kind.BOOLEAN && !arg.value.value),
    );
    if (resolvable) names.add(definition.name.value);
  }
  return [...names];
}

type ReferenceResolver = (representation: Record<string, unknown>, context: unknown, info: GraphQLResolveInfo) => unknown;

/** `_entities`: each representation through its type's `__resolveReference` (graphql-tools keeps it on the type as `resolveReference`). */
function resolveEntities(_root: unknown, args: { representations: Array<Record<string, unknown>> }, context: unknown, info: GraphQLResolveInfo): unknown[] {
  return args.representations.map(async (representation) => {
    const typename = String(representation.__typename);
    const type = info.schema.getType(typename) as { resolveReference?: ReferenceResolver } | undefined;
    if (!type) throw new Error(`_entities: unknown type ${typename}`);
    const resolved = await (type.resolveReference ? type.resolveReference(representation, context, info) : representation);
    return resolved && typeof resolved === 'object' ? { __typename: typename, ...resolved } : resolved;
  });
}

function additions(sdl: string, document: DocumentNode): { typeDefs: DocumentNode; resolvers: IResolvers } {
  const defined = new Set(document.definitions.flatMap((d: DefinitionNode) => ('name' in d && d.name ? [d.name.value] : [])));
  const missing = FEDERATION_DEFINITIONS.definitions.filter((d) => !('name' in d && d.name && defined.has(d.name.value)));
  const entities = entityTypeNames(document);
  const entitySdl = entities.length > 0 ? `union _Entity = ${entities.join(' | ')}\nextend type Query { _entities(representations: [_Any!]!): [_Entity]! }` : '';
  return {
    typeDefs: { kind: Kind.DOCUMENT, definitions: [...missing, ...parse(`extend type Query { _service: _Service! }\n${entitySdl}`).definitions] },
    resolvers: {
      Query: { _service: () => ({ sdl }), ...(entities.length > 0 ? { _entities: resolveEntities } : {}) },
      ...(entities.length > 0 ? { _Entity: { __resolveType: (value: { __typename: string }) => value.__typename } } : {}),
    },
  };
}

/**
 * The executable subgraph schema: the SDL as written (also what `_service { sdl }`
 * returns to composition) with the federation additions and the resolvers.
 * A resolver for a field the schema does not have stops start-up.
 */
export function buildSubgraphSchema(sdl: string, resolvers: IResolvers): GraphQLSchema {
  const document = parse(sdl);
  const federation = additions(sdl, document);
  return makeExecutableSchema({
    typeDefs: [document, federation.typeDefs],
    resolvers: [federation.resolvers, resolvers],
    resolverValidationOptions: { requireResolversToMatchSchema: 'error', requireResolversForResolveType: 'ignore' },
    // In place, graphql-tools keeps `__resolveReference` on the type (as `resolveReference`), where `_entities` finds it.
    updateResolversInPlace: true,
  });
}
