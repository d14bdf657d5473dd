import type { CitizenFieldResolvers } from '../../src/subgraphs/catalogue/__generated__/resolvers-types';
import { ForbiddenError } from '../../src/platform/errors';
import { loadAll, withoutErrors } from './load';

/**
 * The catalogue's part of a citizen: reached only through the gateway's plan,
 * with the opaque `ref` and the residence the population subgraph disclosed.
 */
export const Citizen: CitizenFieldResolvers = {
  __resolveReference: (reference) => reference,
  onlineServicesAtResidence: async (citizen, _args, ctx) => {
    const residence = citizen.residence;
    if (residence?.deniedBecause) throw new ForbiddenError(residence.deniedBecause);
    if (!residence?.provinceId) return null;
    const province = await ctx.loaders.province.load(residence.provinceId);
    if (!province) return [];
    const done = withoutErrors(await ctx.loaders.milestonesDoneInProvince.loadMany(province.formedFromIds));
    const fullyOnline = done.flat().filter((milestone) => milestone.level === 'FULL');
    const services = await loadAll(ctx.loaders.service, [...new Set(fullyOnline.map((milestone) => milestone.serviceId))]);
    return services.sort((a, b) => a.sortName.localeCompare(b.sortName));
  },
};
