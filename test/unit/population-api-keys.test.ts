import { apiKeyProblem } from '../../src/gateway/api-keys';
import type { Role } from '../../src/platform/identity/principal';

/** What `npm run keys -- create` checks before it writes a key (src/scripts/keys.ts calls apiKeyProblem). */
describe('API key settings (npm run keys -- create)', () => {
  it('accepts a role with no restrictions, or with known purposes and citizen fields', () => {
    expect(apiKeyProblem({ name: 'Cổng DVC tỉnh An Giang', role: 'officer' })).toBeNull();
    expect(apiKeyProblem({ name: 'Cổng DVC tỉnh An Giang', role: 'officer', purposes: null, fields: null })).toBeNull();
    expect(apiKeyProblem({ name: 'BHXH', role: 'officer', purposes: ['SOCIAL_INSURANCE', 'IDENTITY'], fields: ['fullName', 'dateOfBirth', 'permanentResidence'] })).toBeNull();
  });

  it('refuses an unknown role, naming it and the roles there are', () => {
    expect(apiKeyProblem({ name: 'x', role: 'superuser' as Role })).toBe('unknown role "superuser"; one of public, analyst, officer, auditor, admin');
    expect(apiKeyProblem({ name: 'x', role: 'OFFICER' as Role })).toMatch(/^unknown role "OFFICER"/);
  });

  it('refuses an unknown purpose, naming it and the purposes there are', () => {
    expect(apiKeyProblem({ name: 'x', role: 'officer', purposes: ['IDENTITY', 'CURIOSITY'] })).toBe(
      'unknown purpose "CURIOSITY"; one of RESIDENCE_VERIFICATION, CIVIL_STATUS, SOCIAL_INSURANCE, IDENTITY',
    );
    // Purposes are names, not prototype members.
    expect(apiKeyProblem({ name: 'x', role: 'officer', purposes: ['constructor'] })).toMatch(/^unknown purpose "constructor"/);
  });

  it('refuses an unknown citizen field, including a GraphQL field name that is not an upstream field', () => {
    expect(apiKeyProblem({ name: 'x', role: 'officer', fields: ['fullName', 'shoeSize'] })).toMatch(/^unknown citizen field "shoeSize"; one of fullName, dateOfBirth,/);
    // The GraphQL field is `birthRegistrationProvince`; keys name the upstream field `birthRegistrationProvinceCode`.
    expect(apiKeyProblem({ name: 'x', role: 'officer', fields: ['birthRegistrationProvince'] })).toMatch(/^unknown citizen field "birthRegistrationProvince"/);
    // A flag followed by another flag (`--fields --purposes …`) reaches here as a field named like a flag.
    expect(apiKeyProblem({ name: 'x', role: 'officer', fields: ['--purposes'] })).toMatch(/^unknown citizen field "--purposes"/);
  });
});
