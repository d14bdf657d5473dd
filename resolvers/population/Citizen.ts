import { maybeCacheControlFromInfo } from '@apollo/cache-control-types';
import type { GraphQLResolveInfo } from 'graphql';
import type { AuditEntryFieldResolvers, CitizenFieldResolvers, QueryFieldResolvers, ResidenceFieldResolvers } from '../src/__generated__/resolvers-types';
import type { CitizenLookup } from '../src/connectors/population/lookups';
import { allowedFields, type CitizenField, type CitizenRecord } from '../src/connectors/population/purposes';
import { paginate } from '../src/db/paginate';
import type { Role } from '../src/auth/principal';
import { ForbiddenError } from '../src/errors';
import { loadAll, loadOne } from './load';

/** A personal field, only when the lookup's purpose covers it; otherwise null with FORBIDDEN. */
function field<F extends CitizenField>(lookup: CitizenLookup, name: F): CitizenRecord[F] | null {
  if (!allowedFields(lookup.purpose).includes(name)) {
    throw new ForbiddenError(`The purpose ${lookup.purpose} does not cover the field "${name}".`);
  }
  return (lookup.record[name] ?? null) as CitizenRecord[F] | null;
}

/** Personal data: never cacheable, whatever the catalogue's default cache hint. */
function uncacheable(info: GraphQLResolveInfo): void {
  maybeCacheControlFromInfo(info)?.setCacheHint({ maxAge: 0, scope: 'PRIVATE' });
}

export const CitizenQueries: Pick<QueryFieldResolvers, 'citizen' | 'citizens' | 'verifyCitizen' | 'auditEntries'> = {
  citizen: (_parent, { id, purpose }, ctx, info) => {
    uncacheable(info);
    return ctx.population.citizen(id, purpose);
  },
  // A failed batch fails only its own entries: each becomes null with its error.
  citizens: async (_parent, { ids, purpose }, ctx, info) => {
    uncacheable(info);
    return (await ctx.population.citizens(ids, purpose)).map((item) => (item instanceof Error ? Promise.reject(item) : item));
  },
  verifyCitizen: async (_parent, { id, fullName, dateOfBirth, purpose }, ctx, info) => {
    uncacheable(info);
    const outcome = await ctx.population.verify({ id, fullName, dateOfBirth }, purpose);
    return outcome === 'INVALID_ID' ? 'NOT_FOUND' : outcome;
  },
  auditEntries: (_parent, { subjectId, first, after }, ctx, info) => {
    uncacheable(info);
    return paginate(ctx.auditLog, subjectId ? { subjectHash: ctx.audit.hash(subjectId) } : {}, { field: 'atIso', direction: -1 }, { first, after, max: ctx.maxPageSize });
  },
};

export const Citizen: CitizenFieldResolvers = {
  id: (lookup) => lookup.record.id,
  fullName: (lookup) => field(lookup, 'fullName'),
  dateOfBirth: (lookup) => field(lookup, 'dateOfBirth'),
  sex: (lookup) => field(lookup, 'sex'),
  birthRegistrationProvince: (lookup, _args, ctx) => loadOne(ctx.loaders.province, oldUnit(field(lookup, 'birthRegistrationProvinceCode'))),
  hometownProvince: (lookup, _args, ctx) => loadOne(ctx.loaders.province, oldUnit(field(lookup, 'hometownProvinceCode'))),
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
  onlineServicesAtResidence: async (lookup, _args, ctx) => {
    const residence = field(lookup, 'permanentResidence');
    if (!residence) return null;
    const province = await ctx.loaders.province.load(`34:${residence.provinceCode}`);
    if (!province) return [];
    const done = await ctx.loaders.milestonesDoneInProvince.loadMany(province.formedFromIds);
    const milestones = done.filter((list) => Array.isArray(list)).flat().filter((m) => m.level === 'FULL');
    const services = await loadAll(ctx.loaders.service, [...new Set(milestones.map((m) => m.serviceId))]);
    return services.sort((a, b) => a.sortName.localeCompare(b.sortName));
  },
};

export const Residence: ResidenceFieldResolvers = {
  province: (residence, _args, ctx) => ctx.loaders.province.load(`34:${residence.provinceCode}`),
};

function oldUnit(code: string | null): string | null {
  return code ? `63:${code}` : null;
}

export const AuditEntry: AuditEntryFieldResolvers = {
  id: (entry) => entry._id,
  at: (entry) => entry.atIso,
  role: (entry) => entry.role.toUpperCase() as Uppercase<Role>,
};
