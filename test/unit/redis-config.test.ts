import { readGatewayConfig } from '../../src/gateway/config';
import { readRedisConfig } from '../../src/platform/config';
import { readCatalogueConfig } from '../../src/subgraphs/catalogue/config';
import { expectConfigError } from './support/config-error';

describe('REDIS_URL and the response cache settings', () => {
  it('default to no Redis (in-process state), a 500 ms command timeout and the cache on when Redis is there', () => {
    expect(readGatewayConfig({})).toMatchObject({ redis: undefined, responseCache: true });
    expect(readGatewayConfig({ REDIS_URL: 'redis://127.0.0.1:6379' }).redis).toEqual({ url: 'redis://127.0.0.1:6379', timeoutMs: 500 });
    expect(readGatewayConfig({ REDIS_URL: 'redis://127.0.0.1:6379', RESPONSE_CACHE_ENABLED: 'false', REDIS_TIMEOUT_MS: '50' })).toMatchObject({
      responseCache: false,
      redis: { timeoutMs: 50 },
    });
  });

  it('accept TLS, a password and a database number; the catalogue subgraph reads the same variable', () => {
    expect(readRedisConfig({ REDIS_URL: 'rediss://:s3cret@cache.example.gov.vn:6380/2' })?.url).toBe('rediss://:s3cret@cache.example.gov.vn:6380/2');
    expect(readCatalogueConfig({ REDIS_URL: 'redis://10.0.0.5:6379' }).redis).toEqual({ url: 'redis://10.0.0.5:6379', timeoutMs: 500 });
  });

  it.each([
    [{ REDIS_URL: 'not a url' }, 'REDIS_URL'],
    [{ REDIS_URL: 'http://127.0.0.1:6379' }, 'REDIS_URL'],
    [{ REDIS_URL: 'redis://127.0.0.1:6379/prefix' }, 'REDIS_URL'],
    [{ REDIS_TIMEOUT_MS: '0' }, 'REDIS_TIMEOUT_MS'],
    [{ RESPONSE_CACHE_ENABLED: 'maybe' }, 'RESPONSE_CACHE_ENABLED'],
  ])('reject %j naming the variable', (env, variable) => {
    expect(expectConfigError(() => readGatewayConfig(env)).variable).toBe(variable);
  });

  it('never repeat a password in the error', () => {
    expect(expectConfigError(() => readRedisConfig({ REDIS_URL: 'http://user:hunter2-password@host:6379' })).message).not.toContain('hunter2');
  });
});
