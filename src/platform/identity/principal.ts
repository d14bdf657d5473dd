/**
 * Who is calling. Requests without an API key are `public`: catalogue reads
 * only. Roles widen what a caller may see: fields name the roles they need
 * with `@auth(roles: [...])` in the schema (src/auth/directive.ts enforces it).
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
