import type { ApolloServerPlugin } from '@apollo/server';
import { isObjectType, Kind, type ConstDirectiveNode, type GraphQLSchema } from 'graphql';
import { ForbiddenError } from '../errors';
import type { Principal, Role } from '../identity/principal';

/**
 * What a field without `@auth` allows: `allow` (the public catalogue) or
 * `deny` (personal data: every field must name its roles, on itself or on its
 * type, or nobody may read it).
 */
export type AuthDefault = 'allow' | 'deny';

/** Fields the gateway needs whatever the caller: composition and entity fetches. */
const FEDERATION_FIELDS = new Set(['Query._service', 'Query._entities', '_Service.sdl']);

function rolesOf(directives: readonly ConstDirectiveNode[] | undefined): Set<Role> | undefined {
  const roles = directives?.find((d) => d.name.value === 'auth')?.arguments?.find((a) => a.name.value === 'roles')?.value;
  if (roles?.kind !== Kind.LIST) return undefined;
  return new Set(roles.values.flatMap((v) => (v.kind === Kind.ENUM ? [v.value.toLowerCase() as Role] : [])));
}

/**
 * "Type.field" → roles allowed, from `@auth(roles: [...])` in the SDL: on the
 * field, else on its type (including `extend type` blocks), else the default
 * (every role for `allow`, none for `deny`).
 */
export function authRules(schema: GraphQLSchema, fallback: AuthDefault): Map<string, ReadonlySet<Role>> {
  const everyone = new Set<Role>(['public', 'analyst', 'officer', 'auditor', 'admin']);
  const rules = new Map<string, ReadonlySet<Role>>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    const typeRoles = rolesOf(type.astNode?.directives) ?? type.extensionASTNodes.map((node) => rolesOf(node.directives)).find(Boolean);
    for (const field of Object.values(type.getFields())) {
      const coordinate = `${type.name}.${field.name}`;
      const roles = FEDERATION_FIELDS.has(coordinate) ? everyone : (rolesOf(field.astNode?.directives) ?? typeRoles ?? (fallback === 'allow' ? everyone : new Set<Role>()));
      rules.set(coordinate, roles);
    }
  }
  return rules;
}

/**
 * The one place `@auth` is enforced, in the subgraph that holds the data:
 * before a field resolves, the caller's role (forwarded, signed, by the
 * gateway) must be among those the schema names; otherwise the field is null
 * with FORBIDDEN and its resolver never runs (no upstream call, no audit entry).
 */
export function authPlugin<TContext extends { principal: Principal }>(schema: GraphQLSchema, fallback: AuthDefault): ApolloServerPlugin<TContext> {
  const rules = authRules(schema, fallback);
  return {
    async requestDidStart() {
      return {
        async executionDidStart() {
          return {
            willResolveField({ info, contextValue }) {
              const allowed = rules.get(`${info.parentType.name}.${info.fieldName}`);
              if (allowed && !allowed.has(contextValue.principal.role)) {
                const roles = [...allowed];
                throw new ForbiddenError(
                  roles.length > 0
                    ? `\`${info.fieldName}\` needs an API key with one of the roles ${roles.join(', ')}.`
                    : `\`${info.fieldName}\` is not readable by anyone: it declares no roles.`,
                );
              }
            },
          };
        },
      };
    },
  };
}
