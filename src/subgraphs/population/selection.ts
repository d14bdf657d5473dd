import {
  getDirectiveValues,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  Kind,
  type FieldNode,
  type FragmentSpreadNode,
  type GraphQLResolveInfo,
  type InlineFragmentNode,
  type SelectionSetNode,
} from 'graphql';
import type { CitizenField } from '../../platform/population-api/purposes';

/** Which upstream field each `Citizen` field reads (`residence` is the catalogue's @requires). */
const UPSTREAM_FIELD: Readonly<Record<string, CitizenField>> = {
  fullName: 'fullName',
  dateOfBirth: 'dateOfBirth',
  sex: 'sex',
  birthRegistrationProvince: 'birthRegistrationProvinceCode',
  hometownProvince: 'hometownProvinceCode',
  ethnicity: 'ethnicity',
  religion: 'religion',
  nationality: 'nationality',
  permanentResidence: 'permanentResidence',
  temporaryResidence: 'temporaryResidence',
  householdHead: 'householdHead',
  relationshipToHead: 'relationshipToHead',
  maritalStatus: 'maritalStatus',
  deceased: 'deceased',
  dateOfDeath: 'dateOfDeath',
  residence: 'permanentResidence',
};

type Variables = GraphQLResolveInfo['variableValues'];

/** False for a selection that `@skip`/`@include` leave out: what is not shown is not asked for either. */
function included(node: FieldNode | FragmentSpreadNode | InlineFragmentNode, variables: Variables): boolean {
  if (getDirectiveValues(GraphQLSkipDirective, node, variables)?.if === true) return false;
  return getDirectiveValues(GraphQLIncludeDirective, node, variables)?.if !== false;
}

function collect(selectionSet: SelectionSetNode | undefined, info: GraphQLResolveInfo, names: Set<string>, seen: Set<string>): void {
  for (const selection of selectionSet?.selections ?? []) {
    if (!included(selection, info.variableValues)) continue;
    if (selection.kind === Kind.FIELD) names.add(selection.name.value);
    else if (selection.kind === Kind.INLINE_FRAGMENT) collect(selection.selectionSet, info, names, seen);
    else if (!seen.has(selection.name.value)) {
      seen.add(selection.name.value);
      collect(info.fragments[selection.name.value]?.selectionSet, info, names, seen);
    }
  }
}

/**
 * The upstream fields a `citizen`/`citizens` field selects (data minimisation:
 * the connector asks the National Population Database for these only).
 */
export function selectedCitizenFields(info: GraphQLResolveInfo): CitizenField[] {
  const names = new Set<string>();
  for (const node of info.fieldNodes) collect(node.selectionSet, info, names, new Set());
  return [...new Set([...names].flatMap((name) => (Object.hasOwn(UPSTREAM_FIELD, name) ? [UPSTREAM_FIELD[name] as CitizenField] : [])))];
}
