import type { QueryFieldResolvers } from '../../src/subgraphs/population/__generated__/resolvers-types';
import { auditEntryPage } from '../../src/subgraphs/population/audit/read';
import { selectedCitizenFields } from '../../src/subgraphs/population/selection';

export const Query: QueryFieldResolvers = {
  citizen: (_parent, { id, purpose }, ctx, info) => ctx.population.citizen(id, purpose, selectedCitizenFields(info)),
  // A failed batch fails only its own entries: each becomes null with its error.
  citizens: async (_parent, { ids, purpose }, ctx, info) =>
    (await ctx.population.citizens(ids, purpose, selectedCitizenFields(info))).map((item) => (item instanceof Error ? Promise.reject(item) : item)),
  verifyCitizen: async (_parent, { id, fullName, dateOfBirth, purpose }, ctx) => {
    const outcome = await ctx.population.verify({ id, fullName, dateOfBirth }, purpose);
    return outcome === 'INVALID_ID' ? 'NOT_FOUND' : outcome;
  },
  auditEntries: (_parent, { subjectId, first, after }, ctx) =>
    auditEntryPage(ctx.auditLog, subjectId ? ctx.audit.subjectHashes(subjectId) : null, { first, after, max: ctx.maxPageSize }),
};
