import type { CitizenFieldResolvers, HouseholdHeadFieldResolvers, ResidenceFieldResolvers } from '../../src/subgraphs/population/__generated__/resolvers-types';
import { ForbiddenError } from '../../src/platform/errors';
import { allowedFields, type CitizenField, type CitizenRecord } from '../../src/platform/population-api/purposes';
import type { CitizenLookup } from '../../src/subgraphs/population/connector/lookups';

/** Why a field may not be shown, or null when it may: the purpose first, then the API key's own field list. */
function refusal(lookup: CitizenLookup, name: CitizenField): string | null {
  if (!allowedFields(lookup.purpose).includes(name)) return `The purpose ${lookup.purpose} does not cover the field "${name}".`;
  if (!lookup.fields.includes(name)) return `This API key may not read the field "${name}".`;
  return null;
}

/** A personal field, only when the purpose and the key cover it; otherwise null with FORBIDDEN. */
function field<F extends CitizenField>(lookup: CitizenLookup, name: F): CitizenRecord[F] | null {
  const reason = refusal(lookup, name);
  if (reason) throw new ForbiddenError(reason);
  return (lookup.record[name] ?? null) as CitizenRecord[F] | null;
}

/** A province before July 2025 as an entity reference; the catalogue subgraph resolves it. */
function oldProvince(code: string | null): { id: string } | null {
  return code ? { id: `63:${code}` } : null;
}

export const Citizen: CitizenFieldResolvers = {
  // Lookups are not stored, so a reference from elsewhere cannot be resolved (and none is made: only this subgraph returns citizens).
  __resolveReference: () => null,
  ref: (lookup) => lookup.ref,
  // For the catalogue's onlineServicesAtResidence (@requires): the province, or why it may not be disclosed.
  residence: (lookup) => {
    const reason = refusal(lookup, 'permanentResidence');
    const province = lookup.record.permanentResidence?.provinceCode;
    return { provinceId: reason || !province ? null : `34:${province}`, deniedBecause: reason };
  },
  id: (lookup) => lookup.record.id,
  fullName: (lookup) => field(lookup, 'fullName'),
  dateOfBirth: (lookup) => field(lookup, 'dateOfBirth'),
  sex: (lookup) => field(lookup, 'sex'),
  birthRegistrationProvince: (lookup) => oldProvince(field(lookup, 'birthRegistrationProvinceCode')),
  hometownProvince: (lookup) => oldProvince(field(lookup, 'hometownProvinceCode')),
  ethnicity: (lookup) => field(lookup, 'ethnicity'),
  religion: (lookup) => field(lookup, 'religion'),
  nationality: (lookup) => field(lookup, 'nationality'),
  permanentResidence: (lookup) => field(lookup, 'permanentResidence'),
  temporaryResidence: (lookup) => field(lookup, 'temporaryResidence'),
  householdHead: (lookup) => field(lookup, 'householdHead'),
  relationshipToHead: (lookup) => field(lookup, 'relationshipToHead'),
  maritalStatus: (lookup) => field(lookup, 'maritalStatus'),
  deceased: (lookup) => field(lookup, 'deceased'),
  dateOfDeath: (lookup) => field(lookup, 'dateOfDeath'),
};

export const Residence: ResidenceFieldResolvers = {
  province: (residence) => ({ id: `34:${residence.provinceCode}` }),
  addressLine: (residence) => residence.addressLine,
};

export const HouseholdHead: HouseholdHeadFieldResolvers = {
  id: (head) => head.id,
  fullName: (head) => head.fullName,
};
