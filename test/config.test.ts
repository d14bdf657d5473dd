import { ConfigError, loadConfig } from '../src/config';

describe('loadConfig', () => {
  it('has working defaults', () => {
    const config = loadConfig({}, '/srv/app');
    expect(config).toMatchObject({
      port: 4000,
      host: '127.0.0.1',
      mongodbUri: undefined,
      databaseName: 'dvc_gateway',
      localDbDir: '/srv/app/.data/ferretdb',
      cacheDir: '/srv/app/.cache',
      seedOnStart: true,
      logLevel: 'info',
    });
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ MONGODB_URI: 'not a uri' }, 'MONGODB_URI'],
    [{ MONGODB_URI: 'http://localhost:27017' }, 'MONGODB_URI'],
    [{ MONGODB_DB: 'a.b' }, 'MONGODB_DB'],
    [{ SEED_ON_START: 'maybe' }, 'SEED_ON_START'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ DB_CONNECT_TIMEOUT_MS: '10' }, 'DB_CONNECT_TIMEOUT_MS'],
  ])('rejects %j naming the variable', (env, variable) => {
    let caught: unknown;
    try {
      loadConfig(env);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).variable).toBe(variable);
    expect((caught as ConfigError).message).toMatch(new RegExp(`^Invalid configuration: ${variable} `));
    expect((caught as ConfigError).message).not.toContain('\n');
  });

  it('accepts a real MongoDB connection string', () => {
    expect(loadConfig({ MONGODB_URI: 'mongodb://user:pw@db.example:27017/?replicaSet=rs0' }).mongodbUri).toBe('mongodb://user:pw@db.example:27017/?replicaSet=rs0');
  });
});
