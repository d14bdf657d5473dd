import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { getArgumentValues, getVariableValues } from 'graphql/execution/values';
import { Kind, type FieldNode, type FragmentDefinitionNode, type GraphQLField, type SelectionSetNode } from 'graphql';
import { OperationLimitError } from '../../platform/errors';

export interface CitizenRequestLimits {
  maxIdsPerRequest: number;
  maxVerificationsPerRequest: number;
}

/** The root fields of an operation, through fragments and inline fragments (aliases each count). */
function rootFields(selectionSet: SelectionSetNode, fragments: Record<string, FragmentDefinitionNode>, seen = new Set<string>()): FieldNode[] {
  return selectionSet.selections.flatMap((selection): FieldNode[] => {
    if (selection.kind === Kind.FIELD) return [selection];
    if (selection.kind === Kind.INLINE_FRAGMENT) return rootFields(selection.selectionSet, fragments, seen);
    const fragment = fragments[selection.name.value];
    if (!fragment || seen.has(fragment.name.value)) return [];
    seen.add(fragment.name.value);
    return rootFields(fragment.selectionSet, fragments, seen);
  });
}

/**
 * Caps that no alias can get around: citizen IDs looked up per request across
 * every `citizen` and `citizens` field, and `verifyCitizen` fields per request.
 * Checked before anything executes, so an oversized request costs the
 * upstream nothing.
 */
export function citizenRequestLimitsPlugin<TContext extends BaseContext>(limits: CitizenRequestLimits): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, schema, request }) {
          if (!operation) return;
          // Count with the variables as execution will see them (a lone ID given for a list becomes a list of one).
          const variables = getVariableValues(schema, operation.variableDefinitions ?? [], request.variables ?? {});
          if (variables.errors) return; // execution refuses the request with these errors
          const fragments = Object.fromEntries(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));
          const queryFields = schema.getQueryType()?.getFields() ?? {};
          let ids = 0;
          let verifications = 0;
          for (const node of rootFields(operation.selectionSet, fragments)) {
            const field = queryFields[node.name.value] as GraphQLField<unknown, unknown> | undefined;
            if (!field) continue;
            const args = getArgumentValues(field, node, variables.coerced);
            if (node.name.value === 'citizen') ids += 1;
            if (node.name.value === 'citizens' && Array.isArray(args.ids)) ids += args.ids.length;
            if (node.name.value === 'verifyCitizen') verifications += 1;
          }
          if (ids > limits.maxIdsPerRequest)
            throw new OperationLimitError(`The request looks up ${ids} citizen IDs; at most ${limits.maxIdsPerRequest} are allowed per request, across all fields and aliases.`);
          if (verifications > limits.maxVerificationsPerRequest)
            throw new OperationLimitError(`The request makes ${verifications} verifications; at most ${limits.maxVerificationsPerRequest} are allowed per request.`);
        },
      };
    },
  };
}
