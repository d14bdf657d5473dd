/**
 * Who is calling. Requests without an API key are `public`: catalogue reads
 * only. Roles widen what a caller may see: fields name the roles they need
 * with `@auth(roles: [...])` in each subgraph's schema, enforced where the data
 * lives (src/platform/subgraph/auth.ts). A key may narrow its rights further
 * with the purposes and citizen fields it may use.
 */
export type Role = 'public' | 'analyst' | 'officer' | 'auditor' | 'admin';
export const ROLES: readonly Role[] = ['public', 'analyst', 'officer', 'auditor', 'admin'];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export interface Principal {
  role: Role;
  /** Id of the API key (its public prefix), null for anonymous callers. */
  keyId: string | null;
  /** Name given to the key at creation (the calling system), for the audit trail. */
  name: string | null;
  /** Lookup purposes this key may state; null: every purpose its role allows. */
  purposes: string[] | null;
  /** Citizen fields this key may read; null: every field its purposes allow. */
  fields: string[] | null;
}

export const ANONYMOUS: Principal = { role: 'public', keyId: null, name: null, purposes: null, fields: null };
