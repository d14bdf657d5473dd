import DataLoader from 'dataloader';
import type { LoaderMode } from '../../loaders';
import type { AuditTrail } from '../../audit/audit-log';
import type { Principal } from '../../auth/principal';
import { BadUserInputError, UpstreamUnavailableError } from '../../errors';
import { parseCitizenId } from './citizen-id';
import type { PopulationClient, VerifyItem, VerifyOutcome } from './client';
import { allowedFields, UPSTREAM_MAX_BATCH, type ExtractedCitizen, type LookupPurpose } from './purposes';

/** A citizen as one lookup returned it, with the purpose that bounds which fields may be shown. */
export interface CitizenLookup {
  purpose: LookupPurpose;
  record: ExtractedCitizen;
}

/** Most IDs one `citizens` call may ask for (batched upstream in groups of UPSTREAM_MAX_BATCH). */
export const MAX_IDS_PER_REQUEST = 1000;

export interface PopulationLookups {
  citizen(id: string, purpose: LookupPurpose): Promise<CitizenLookup | null>;
  citizens(ids: readonly string[], purpose: LookupPurpose): Promise<Array<CitizenLookup | null | Error>>;
  verify(item: VerifyItem, purpose: LookupPurpose): Promise<VerifyOutcome>;
}

export interface LookupDependencies {
  client: PopulationClient | undefined;
  audit: AuditTrail;
  principal: Principal;
  requestId: string;
  /** `naive`: one upstream call per ID, no dedupe (the benchmark's comparison only; see src/loaders). */
  loaderMode?: LoaderMode;
}

function validateId(id: string, argumentName: string): void {
  const parsed = parseCitizenId(id);
  if (!parsed.ok) throw new BadUserInputError(`\`${argumentName}\` "${id.slice(0, 20)}" is not a valid citizen ID: ${parsed.message}`, argumentName);
}

/**
 * Per-request lookups: one DataLoader per purpose, so ids are deduplicated and
 * sent in batches of at most UPSTREAM_MAX_BATCH; the cache lives only as long
 * as the request. Every batch is written to the audit trail before its data
 * is handed to resolvers; refused lookups (role, checked by @auth before the
 * resolver runs; bad ID) never reach the upstream or the trail.
 */
export function createPopulationLookups(deps: LookupDependencies): PopulationLookups {
  const context = { principal: deps.principal, requestId: deps.requestId };
  const naive = deps.loaderMode === 'naive' ? { batch: false, cache: false } : {};
  const client = (): PopulationClient => {
    if (!deps.client) throw new UpstreamUnavailableError('The population connector is not configured on this gateway.');
    return deps.client;
  };

  const extractors = new Map<LookupPurpose, DataLoader<string, CitizenLookup | null>>();
  const extractor = (purpose: LookupPurpose): DataLoader<string, CitizenLookup | null> => {
    let loader = extractors.get(purpose);
    if (!loader) {
      const fields = allowedFields(purpose);
      loader = new DataLoader<string, CitizenLookup | null>(
        async (ids) => {
          let results;
          try {
            results = await client().extractBatch(purpose, ids, fields);
          } catch (error) {
            await deps.audit
              .record(context, ids.map((citizenId) => ({ operation: 'EXTRACT' as const, purpose, citizenId, fields: [], outcome: 'UPSTREAM_UNAVAILABLE' as const })))
              .catch(() => undefined);
            throw error;
          }
          const byId = new Map(results.map((r) => [r.id, r]));
          await deps.audit.record(
            context,
            ids.map((citizenId) => {
              const status = byId.get(citizenId)?.status ?? 'NOT_FOUND';
              return { operation: 'EXTRACT' as const, purpose, citizenId, fields: status === 'FOUND' ? fields : [], outcome: status };
            }),
          );
          return ids.map((id) => {
            const result = byId.get(id);
            return result?.status === 'FOUND' && result.citizen ? { purpose, record: result.citizen } : null;
          });
        },
        { maxBatchSize: UPSTREAM_MAX_BATCH, ...naive },
      );
      extractors.set(purpose, loader);
    }
    return loader;
  };

  const verifiers = new Map<LookupPurpose, DataLoader<VerifyItem, VerifyOutcome, string>>();
  const verifier = (purpose: LookupPurpose): DataLoader<VerifyItem, VerifyOutcome, string> => {
    let loader = verifiers.get(purpose);
    if (!loader) {
      loader = new DataLoader<VerifyItem, VerifyOutcome, string>(
        async (items) => {
          const results = await client().verifyBatch(purpose, items);
          await deps.audit.record(
            context,
            items.map((item, index) => ({ operation: 'VERIFY' as const, purpose, citizenId: item.id, fields: [], outcome: results[index]?.result ?? 'NOT_FOUND' })),
          );
          return items.map((_, index) => results[index]?.result ?? 'NOT_FOUND');
        },
        { maxBatchSize: UPSTREAM_MAX_BATCH, cacheKeyFn: (item) => JSON.stringify([item.id, item.fullName, item.dateOfBirth]), ...naive },
      );
      verifiers.set(purpose, loader);
    }
    return loader;
  };

  return {
    async citizen(id, purpose) {
      validateId(id, 'id');
      return extractor(purpose).load(id);
    },
    async citizens(ids, purpose) {
      if (ids.length > MAX_IDS_PER_REQUEST) throw new BadUserInputError(`\`ids\` may hold at most ${MAX_IDS_PER_REQUEST} IDs, got ${ids.length}.`, 'ids');
      for (const id of ids) validateId(id, 'ids');
      return extractor(purpose).loadMany(ids);
    },
    async verify(item, purpose) {
      validateId(item.id, 'id');
      return verifier(purpose).load(item);
    },
  };
}
