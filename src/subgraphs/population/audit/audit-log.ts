import { createHmac, randomUUID } from 'node:crypto';
import type { Collection, Db } from 'mongodb';
import type { Principal, Role } from '../auth/principal';
import type { LookupPurpose } from '../connectors/population/purposes';
import { AuditUnavailableError } from '../errors';

export type AuditOperation = 'EXTRACT' | 'VERIFY';
export type AuditOutcome = 'FOUND' | 'NOT_FOUND' | 'MATCH' | 'NO_MATCH' | 'INVALID_ID' | 'UPSTREAM_UNAVAILABLE';

/**
 * One lookup of a citizen, written before any data is returned (Luật Bảo vệ dữ
 * liệu cá nhân 91/2025/QH15: a record of processing). The ID is kept only as a
 * keyed hash, so the log can answer "who looked up this person?" for someone
 * who knows the ID, without holding the IDs in clear.
 */
export interface AuditEntryDocument {
  _id: string;
  at: Date;
  /** `at` as ISO text: the keyset sort key for paging. */
  atIso: string;
  requestId: string;
  keyId: string | null;
  callerName: string | null;
  role: Role;
  operation: AuditOperation;
  purpose: LookupPurpose;
  subjectHash: string;
  fields: string[];
  outcome: AuditOutcome;
}

export function auditCollection(db: Db): Collection<AuditEntryDocument> {
  return db.collection<AuditEntryDocument>('audit_log');
}

export function hashSubject(hashKey: string, citizenId: string): string {
  return createHmac('sha256', hashKey).update(citizenId).digest('hex');
}

export interface AuditContext {
  principal: Principal;
  requestId: string;
}

export interface AuditTrail {
  /** Appends entries; throws AUDIT_UNAVAILABLE when they cannot be stored (the caller then withholds the data). */
  record(context: AuditContext, entries: Array<{ operation: AuditOperation; purpose: LookupPurpose; citizenId: string; fields: readonly string[]; outcome: AuditOutcome }>): Promise<void>;
  hash(citizenId: string): string;
}

export function createAuditTrail(collection: Collection<AuditEntryDocument>, hashKey: string): AuditTrail {
  return {
    hash: (citizenId) => hashSubject(hashKey, citizenId),
    async record(context, entries) {
      if (entries.length === 0) return;
      const at = new Date();
      try {
        await collection.insertMany(
          entries.map((entry) => ({
            _id: randomUUID(),
            at,
            atIso: at.toISOString(),
            requestId: context.requestId,
            keyId: context.principal.keyId,
            callerName: context.principal.name,
            role: context.principal.role,
            operation: entry.operation,
            purpose: entry.purpose,
            subjectHash: hashSubject(hashKey, entry.citizenId),
            fields: [...entry.fields],
            outcome: entry.outcome,
          })),
          { ordered: true },
        );
      } catch {
        throw new AuditUnavailableError();
      }
    },
  };
}
