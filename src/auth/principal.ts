/**
 * Who is calling. Requests without an API key are `public`: catalogue reads
 * only. Roles widen what a caller may see; field-level rules check them.
 */
export type Role = 'public' | 'analyst' | 'officer' | 'auditor' | 'admin';
export const ROLES: readonly Role[] = ['public', 'analyst', 'officer', 'auditor', 'admin'];

export interface Principal {
  role: Role;
  /** Id of the API key (its public prefix), null for anonymous callers. */
  keyId: string | null;
  /** Name given to the key at creation (the calling system), for the audit trail. */
  name: string | null;
}

export const ANONYMOUS: Principal = { role: 'public', keyId: null, name: null };

/** What each role may do beyond reading the catalogue. */
const CAPABILITIES = {
  lookupCitizens: ['officer', 'admin'],
  readAudit: ['auditor', 'admin'],
} as const satisfies Record<string, readonly Role[]>;
export type Capability = keyof typeof CAPABILITIES;

export function can(principal: Principal, capability: Capability): boolean {
  return (CAPABILITIES[capability] as readonly Role[]).includes(principal.role);
}
