import type { ApolloServerPlugin } from '@apollo/server';
import { isObjectType, type GraphQLSchema } from 'graphql';
import type { GatewayContext } from '../context';
import { ForbiddenError } from '../errors';
import type { Role } from './principal';

/** "Type.field" → roles allowed, read once from the `@auth(roles: [...])` directives in the SDL. */
export function authRules(schema: GraphQLSchema): Map<string, Set<Role>> {
  const rules = new Map<string, Set<Role>>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type)) continue;
    for (const field of Object.values(type.getFields())) {
      const directive = field.astNode?.directives?.find((d) => d.name.value === 'auth');
      const roles = directive?.arguments?.find((a) => a.name.value === 'roles')?.value;
      if (roles?.kind === 'ListValue') {
        rules.set(`${type.name}.${field.name}`, new Set(roles.values.flatMap((v) => (v.kind === 'EnumValue' ? [v.value.toLowerCase() as Role] : []))));
      }
    }
  }
  return rules;
}

/**
 * The one place `@auth` is enforced: before a guarded field resolves, the
 * caller's role must be among those the schema names; otherwise the field is
 * null with FORBIDDEN and its resolver never runs (so no upstream call, no audit entry).
 */
export function authPlugin(schema: GraphQLSchema): ApolloServerPlugin<GatewayContext> {
  const rules = authRules(schema);
  return {
    async requestDidStart() {
      return {
        async executionDidStart() {
          return {
            willResolveField({ info, contextValue }) {
              const allowed = rules.get(`${info.parentType.name}.${info.fieldName}`);
              if (allowed && !allowed.has(contextValue.principal.role)) {
                throw new ForbiddenError(`\`${info.fieldName}\` needs an API key with one of the roles ${[...allowed].join(', ')}.`);
              }
            },
          };
        },
      };
    },
  };
}
