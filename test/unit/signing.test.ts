import { IDENTITY_HEADER, SIGNATURE_HEADER, SIGNATURE_MAX_AGE_MS, signRequest, verifyRequest, type ForwardedIdentity } from '../../src/platform/identity/signing';

const SECRET = 's'.repeat(32);
const identity: ForwardedIdentity = {
  principal: { role: 'officer', keyId: 'k_0123456789abcdef', name: 'Cổng DVC tỉnh X', purposes: ['IDENTITY'], fields: null },
  requestId: 'req-1',
  correlationId: null,
  exportPageSize: null,
};
const body = '{"query":"{ citizen(id: \\"001203004567\\", purpose: IDENTITY) { id } }"}';

function verify(headers: Record<string, string>, text = body, now = 1_000_000, secret = SECRET) {
  return verifyRequest(secret, (name) => headers[name], text, now);
}

describe('signed subgraph requests', () => {
  const headers = signRequest(SECRET, identity, body, 1_000_000);

  it('carries the identity the gateway authenticated, and verifies', () => {
    expect(verify(headers)).toEqual({ ok: true, identity });
  });

  it.each([
    ['the body changed', () => verify(headers, body.replace('IDENTITY', 'CIVIL_STATUS'))],
    [
      'the identity changed',
      () => verify({ ...headers, [IDENTITY_HEADER]: Buffer.from(JSON.stringify({ ...identity, principal: { ...identity.principal, role: 'admin' } })).toString('base64url') }),
    ],
    ['the time changed', () => verify({ ...headers, [SIGNATURE_HEADER]: (headers[SIGNATURE_HEADER] ?? '').replace('t=1000000', 't=1000001') })],
    ['another secret signed it', () => verify(headers, body, 1_000_000, 'x'.repeat(32))],
  ])('refuses a request when %s', (_what, attempt) => {
    expect(attempt()).toEqual({ ok: false, reason: 'bad signature' });
  });

  it('refuses signatures older (or newer) than the window, and requests without one', () => {
    expect(verify(headers, body, 1_000_000 + SIGNATURE_MAX_AGE_MS + 1)).toEqual({ ok: false, reason: 'expired signature' });
    expect(verify(headers, body, 1_000_000 - SIGNATURE_MAX_AGE_MS - 1)).toEqual({ ok: false, reason: 'expired signature' });
    expect(verify({})).toEqual({ ok: false, reason: 'unsigned' });
    expect(verify({ [IDENTITY_HEADER]: 'x', [SIGNATURE_HEADER]: 't=1,v1=zz' })).toEqual({ ok: false, reason: 'unsigned' });
  });

  it('refuses a validly signed identity that is not one (no known role)', () => {
    const forged = { ...identity, principal: { ...identity.principal, role: 'root' } } as unknown as ForwardedIdentity;
    expect(verify(signRequest(SECRET, forged, body, 1_000_000))).toEqual({ ok: false, reason: 'malformed identity' });
  });
});
