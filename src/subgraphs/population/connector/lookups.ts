import { randomUUID } from 'node:crypto';
import DataLoader from 'dataloader';
import { BadUserInputError, ForbiddenError, RateLimitedError, UpstreamUnavailableError } from '../../../platform/errors';
import type { Principal } from '../../../platform/identity/principal';
import { parseCitizenId } from '../../../platform/population-api/citizen-id';
import { allowedFields, UPSTREAM_MAX_BATCH, type CitizenField, type ExtractedCitizen, type LookupPurpose } from '../../../platform/population-api/purposes';
import type { AuditContext, AuditRecord, AuditTrail } from '../audit/audit-log';
import type { ExtractResult, PopulationClient, VerifyItem, VerifyOutcome } from './client';
import type { VerificationBudget } from './verification-budget';

/** A citizen as one lookup returned it: the purpose and the fields disclosed bound what may be shown. */
export interface CitizenLookup {
  purpose: LookupPurpose;
  record: ExtractedCitizen;
  /** Fields asked of the upstream (and recorded in the audit trail): what the query selected, within purpose and key. */
  fields: readonly CitizenField[];
  /** Opaque handle by which the catalogue adds to this result in the gateway's plan; not the citizen ID. */
  ref: string;
}

export interface PopulationLookups {
  citizen(id: string, purpose: LookupPurpose, selected: readonly CitizenField[]): Promise<CitizenLookup | null>;
  citizens(ids: readonly string[], purpose: LookupPurpose, selected: readonly CitizenField[]): Promise<Array<CitizenLookup | null | Error>>;
  verify(item: VerifyItem, purpose: LookupPurpose): Promise<VerifyOutcome>;
}

export interface LookupDependencies {
  client: PopulationClient | undefined;
  audit: AuditTrail;
  context: AuditContext;
  verifications: VerificationBudget;
  /** The benchmark's naive variant only (bench/naive.ts): `{ batch: false, cache: false }`. */
  loaderOptions?: Pick<DataLoader.Options<string, unknown>, 'batch' | 'cache'>;
}

function validateId(id: string, argumentName: string): void {
  const parsed = parseCitizenId(id);
  if (!parsed.ok) throw new BadUserInputError(`\`${argumentName}\` "${id.slice(0, 20)}" is not a valid citizen ID: ${parsed.message}`, argumentName);
}

/** The fields a lookup asks for: selected, within the purpose, and within the key's fields when it has a list. */
export function fieldsToRequest(selected: readonly CitizenField[], purpose: LookupPurpose, principal: Principal): CitizenField[] {
  const allowed = allowedFields(purpose);
  return [...new Set(selected)].filter((field) => allowed.includes(field) && (principal.fields === null || principal.fields.includes(field))).sort();
}

/** Entries for one extract batch: each subject, and each household head its record disclosed. */
function extractEntries(purpose: LookupPurpose, fields: readonly CitizenField[], ids: readonly string[], results: ReadonlyMap<string, ExtractResult>): AuditRecord[] {
  return ids.flatMap((citizenId): AuditRecord[] => {
    const result = results.get(citizenId);
    const outcome = result?.status ?? 'NOT_FOUND';
    const subject: AuditRecord = { operation: 'EXTRACT', purpose, citizenId, fields: outcome === 'FOUND' ? fields : [], outcome };
    const head = outcome === 'FOUND' ? result?.citizen?.householdHead : undefined;
    if (!head || head.id === citizenId) return [subject];
    return [subject, { operation: 'EXTRACT', purpose, citizenId: head.id, fields: ['id', 'fullName'], outcome: 'FOUND', subjectRole: 'HOUSEHOLD_HEAD' }];
  });
}

/**
 * Per-request lookups: one DataLoader per purpose and field set, so IDs are
 * deduplicated and sent in batches of at most UPSTREAM_MAX_BATCH, asking only
 * for the fields the query selected; the cache lives as long as the request.
 * Every batch is written to the audit trail before its data is handed to
 * resolvers; lookups refused for the role (checked by @auth before the
 * resolver runs) or a bad ID never reach the upstream.
 */
export function createPopulationLookups(deps: LookupDependencies): PopulationLookups {
  const { audit, context } = deps;
  const client = (): PopulationClient => {
    if (!deps.client) throw new UpstreamUnavailableError('The population connector is not configured on this subgraph.');
    return deps.client;
  };

  const extractors = new Map<string, DataLoader<string, CitizenLookup | null>>();
  const extractor = (purpose: LookupPurpose, fields: readonly CitizenField[]): DataLoader<string, CitizenLookup | null> => {
    const key = `${purpose}|${fields.join(',')}`;
    let loader = extractors.get(key);
    if (!loader) {
      loader = new DataLoader<string, CitizenLookup | null>(
        async (ids) => {
          let results: ExtractResult[];
          try {
            results = await client().extractBatch(purpose, ids, fields);
          } catch (error) {
            await audit.record(context, ids.map((citizenId) => ({ operation: 'EXTRACT', purpose, citizenId, fields: [], outcome: 'UPSTREAM_UNAVAILABLE' }))).catch(() => undefined);
            throw error;
          }
          const byId = new Map(results.map((result) => [result.id, result]));
          await audit.record(context, extractEntries(purpose, fields, ids, byId));
          return ids.map((id) => {
            const result = byId.get(id);
            return result?.status === 'FOUND' && result.citizen ? { purpose, record: result.citizen, fields, ref: randomUUID() } : null;
          });
        },
        { maxBatchSize: UPSTREAM_MAX_BATCH, ...deps.loaderOptions },
      );
      extractors.set(key, loader);
    }
    return loader;
  };

  /** A purpose outside the key's list: refused with FORBIDDEN, and recorded as refused for each subject. */
  const authorisePurpose = async (purpose: LookupPurpose, operation: 'EXTRACT' | 'VERIFY', ids: readonly string[]): Promise<void> => {
    const permitted = context.principal.purposes;
    if (permitted === null || permitted.includes(purpose)) return;
    await audit.record(context, ids.map((citizenId) => ({ operation, purpose, citizenId, fields: [], outcome: 'REFUSED' })));
    throw new ForbiddenError(`This API key may not state the purpose ${purpose}; its purposes are ${permitted.join(', ') || 'none'}.`);
  };

  const verifiers = new Map<LookupPurpose, DataLoader<VerifyItem, VerifyOutcome, string>>();
  const verifier = (purpose: LookupPurpose): DataLoader<VerifyItem, VerifyOutcome, string> => {
    let loader = verifiers.get(purpose);
    if (!loader) {
      loader = new DataLoader<VerifyItem, VerifyOutcome, string>(
        async (items) => {
          const results = await client().verifyBatch(purpose, items);
          await audit.record(context, items.map((item, index) => ({ operation: 'VERIFY', purpose, citizenId: item.id, fields: [], outcome: results[index]?.result ?? 'NOT_FOUND' })));
          return items.map((_, index) => results[index]?.result ?? 'NOT_FOUND');
        },
        { maxBatchSize: UPSTREAM_MAX_BATCH, cacheKeyFn: (item) => JSON.stringify([item.id, item.fullName, item.dateOfBirth]), ...deps.loaderOptions },
      );
      verifiers.set(purpose, loader);
    }
    return loader;
  };

  return {
    async citizen(id, purpose, selected) {
      validateId(id, 'id');
      await authorisePurpose(purpose, 'EXTRACT', [id]);
      return extractor(purpose, fieldsToRequest(selected, purpose, context.principal)).load(id);
    },
    async citizens(ids, purpose, selected) {
      for (const id of ids) validateId(id, 'ids');
      await authorisePurpose(purpose, 'EXTRACT', ids);
      return extractor(purpose, fieldsToRequest(selected, purpose, context.principal)).loadMany(ids);
    },
    async verify(item, purpose) {
      validateId(item.id, 'id');
      await authorisePurpose(purpose, 'VERIFY', [item.id]);
      if (!deps.verifications.take(context.principal.keyId ?? 'anonymous')) throw new RateLimitedError('This API key has used its verifications for this hour; try again later.');
      return verifier(purpose).load(item);
    },
  };
}
