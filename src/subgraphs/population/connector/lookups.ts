import { randomUUID } from 'node:crypto';
import DataLoader from 'dataloader';
import { BadUserInputError, ForbiddenError, RateLimitedError, UpstreamUnavailableError } from '../../../platform/errors';
import type { Principal } from '../../../platform/identity/principal';
import { parseCitizenId } from '../../../platform/population-api/citizen-id';
import { allowedFields, UPSTREAM_MAX_BATCH, type CitizenField, type ExtractedCitizen, type LookupPurpose } from '../../../platform/population-api/purposes';
import type { AuditContext, AuditRecord, AuditTrail } from '../audit/audit-log';
import { UpstreamRefusedError, type CallContext, type ExtractResult, type PopulationClient, type VerifyItem, type VerifyOutcome } from './client';
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

/** Refuses a malformed ID before any upstream call; the message names the argument (and position), never the ID itself. */
function validateId(id: string, argumentName: string, index?: number): void {
  const parsed = parseCitizenId(id);
  if (!parsed.ok) throw new BadUserInputError(`\`${argumentName}${index === undefined ? '' : `[${index}]`}\` is not a valid citizen ID: ${parsed.message}`, argumentName);
}

/** What a failed upstream call is recorded as: refused (our request was wrong) or unavailable. */
function failureOutcome(error: unknown): AuditRecord['outcome'] {
  return error instanceof UpstreamRefusedError ? 'UPSTREAM_REFUSED' : 'UPSTREAM_UNAVAILABLE';
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

interface LoaderDependencies {
  client: () => PopulationClient;
  caller: CallContext;
  audit: AuditTrail;
  context: AuditContext;
  loaderOptions: LookupDependencies['loaderOptions'];
}

/**
 * One extract loader: IDs deduplicated and sent in batches of at most
 * UPSTREAM_MAX_BATCH, asking for `fields` only. Each batch is written to the
 * audit trail before its data reaches a resolver; a failed call is recorded too.
 */
function extractLoader(deps: LoaderDependencies, purpose: LookupPurpose, fields: readonly CitizenField[]): DataLoader<string, CitizenLookup | null> {
  const { audit, context } = deps;
  return new DataLoader<string, CitizenLookup | null>(
    async (ids) => {
      let results: ExtractResult[];
      try {
        results = await deps.client().extractBatch(deps.caller, purpose, ids, fields);
      } catch (error) {
        await audit
          .record(
            context,
            ids.map((citizenId) => ({ operation: 'EXTRACT', purpose, citizenId, fields: [], outcome: failureOutcome(error) })),
          )
          .catch(() => undefined);
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
}

/** One verify loader: like extractLoader, for name and date-of-birth checks (answers in request order). */
function verifyLoader(deps: LoaderDependencies, purpose: LookupPurpose): DataLoader<VerifyItem, VerifyOutcome, string> {
  const { audit, context } = deps;
  return new DataLoader<VerifyItem, VerifyOutcome, string>(
    async (items) => {
      let results: Awaited<ReturnType<PopulationClient['verifyBatch']>>;
      try {
        results = await deps.client().verifyBatch(deps.caller, purpose, items);
      } catch (error) {
        await audit
          .record(
            context,
            items.map((item) => ({ operation: 'VERIFY', purpose, citizenId: item.id, fields: [], outcome: failureOutcome(error) })),
          )
          .catch(() => undefined);
        throw error;
      }
      const outcomes = items.map((_, index) => results[index]?.result ?? 'NOT_FOUND');
      await audit.record(
        context,
        items.map((item, index) => ({ operation: 'VERIFY', purpose, citizenId: item.id, fields: [], outcome: outcomes[index] ?? 'NOT_FOUND' })),
      );
      return outcomes;
    },
    { maxBatchSize: UPSTREAM_MAX_BATCH, cacheKeyFn: (item) => JSON.stringify([item.id, item.fullName, item.dateOfBirth]), ...deps.loaderOptions },
  );
}

/**
 * Per-request lookups: one DataLoader per purpose and field set, asking only
 * for the fields the query selected (within purpose and key); the cache lives
 * as long as the request. Lookups refused for the role (checked by @auth
 * before the resolver runs) or a bad ID never reach the upstream or the audit
 * trail; a purpose the key may not state is refused and recorded as REFUSED.
 */
export function createPopulationLookups(deps: LookupDependencies): PopulationLookups {
  const { audit, context } = deps;
  const loaderDeps: LoaderDependencies = {
    client: () => {
      if (!deps.client) throw new UpstreamUnavailableError('The population connector is not configured on this subgraph.');
      return deps.client;
    },
    // Calls queue for upstream slots by API key, so one key's large lookup does not hold up the others.
    caller: { share: context.principal.keyId ?? context.requestId, requestId: context.requestId },
    audit,
    context,
    loaderOptions: deps.loaderOptions,
  };
  const extractors = new Map<string, DataLoader<string, CitizenLookup | null>>();
  const extractor = (purpose: LookupPurpose, selected: readonly CitizenField[]): DataLoader<string, CitizenLookup | null> => {
    const fields = fieldsToRequest(selected, purpose, context.principal);
    const key = `${purpose}|${fields.join(',')}`;
    const loader = extractors.get(key) ?? extractLoader(loaderDeps, purpose, fields);
    extractors.set(key, loader);
    return loader;
  };
  const verifiers = new Map<LookupPurpose, DataLoader<VerifyItem, VerifyOutcome, string>>();
  const verifier = (purpose: LookupPurpose): DataLoader<VerifyItem, VerifyOutcome, string> => {
    const loader = verifiers.get(purpose) ?? verifyLoader(loaderDeps, purpose);
    verifiers.set(purpose, loader);
    return loader;
  };

  /** A purpose outside the key's list: refused with FORBIDDEN, and recorded as refused for each subject. */
  const authorisePurpose = async (purpose: LookupPurpose, operation: 'EXTRACT' | 'VERIFY', ids: readonly string[]): Promise<void> => {
    const permitted = context.principal.purposes;
    if (permitted === null || permitted.includes(purpose)) return;
    await audit.record(
      context,
      ids.map((citizenId) => ({ operation, purpose, citizenId, fields: [], outcome: 'REFUSED' })),
    );
    throw new ForbiddenError(`This API key may not state the purpose ${purpose}; its purposes are ${permitted.join(', ') || 'none'}.`);
  };

  return {
    async citizen(id, purpose, selected) {
      validateId(id, 'id');
      await authorisePurpose(purpose, 'EXTRACT', [id]);
      return extractor(purpose, selected).load(id);
    },
    async citizens(ids, purpose, selected) {
      ids.forEach((id, index) => validateId(id, 'ids', index));
      await authorisePurpose(purpose, 'EXTRACT', ids);
      return extractor(purpose, selected).loadMany(ids);
    },
    async verify(item, purpose) {
      validateId(item.id, 'id');
      await authorisePurpose(purpose, 'VERIFY', [item.id]);
      if (!deps.verifications.take(context.principal.keyId ?? 'anonymous')) throw new RateLimitedError('This API key has used its verifications for this hour; try again later.');
      return verifier(purpose).load(item);
    },
  };
}
