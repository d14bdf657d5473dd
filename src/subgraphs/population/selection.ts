import { Kind, type FragmentDefinitionNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';
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

function collect(selectionSet: SelectionSetNode | undefined, fragments: Record<string, FragmentDefinitionNode>, names: Set<string>, seen: Set<string>): void {
  for (const selection of selectionSet?.selections ?? []) {
    if (selection.kind === Kind.FIELD) names.add(selection.name.value);
    else if (selection.kind === Kind.INLINE_FRAGMENT) collect(selection.selectionSet, fragments, names, seen);
    else if (!seen.has(selection.name.value)) {
      seen.add(selection.name.value);
      collect(fragments[selection.name.value]?.selectionSet, fragments, names, seen);
    }
  }
}

/**
 * The upstream fields a `citizen`/`citizens` field selects (data minimisation:
 * the connector asks the National Population Database for these only).
 */
export function selectedCitizenFields(info: GraphQLResolveInfo): CitizenField[] {
  const names = new Set<string>();
  for (const node of info.fieldNodes) collect(node.selectionSet, info.fragments, names, new Set());
  return [...new Set([...names].flatMap((name) => (UPSTREAM_FIELD[name] ? [UPSTREAM_FIELD[name]] : [])))];
}
