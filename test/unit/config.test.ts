import { parseSubgraphList, readGatewayConfig } from '../../src/gateway/config';
import { readCatalogueConfig } from '../../src/subgraphs/catalogue/config';
import { expectConfigError } from './support/config-error';

describe('the gateway configuration', () => {
  it('has working defaults: every part of the gateway started by `npm start`', () => {
    const config = readGatewayConfig({}, '/srv/app');
    expect(config).toMatchObject({
      port: 4000,
      host: '127.0.0.1',
      supergraph: { kind: 'own' },
      subgraphSecret: undefined,
      logLevel: 'info',
      personalSubgraphs: ['population'],
      database: { mongodbUri: undefined, databaseName: 'dvc_gateway', localDbDir: '/srv/app/.data/ferretdb', cacheDir: '/srv/app/.cache' },
      rateLimits: { anonymousPerMinute: 600, keyPerMinute: 6000, failedAuthPerMinute: 10, trustProxyHops: 0 },
      metrics: { port: undefined, token: undefined },
    });
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ MONGODB_URI: 'not a uri' }, 'MONGODB_URI'],
    [{ MONGODB_URI: 'http://localhost:27017' }, 'MONGODB_URI'],
    [{ MONGODB_DB: 'a.b' }, 'MONGODB_DB'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ DB_CONNECT_TIMEOUT_MS: '10' }, 'DB_CONNECT_TIMEOUT_MS'],
    [{ SUBGRAPHS: 'no url', SUBGRAPH_SECRET: 'x'.repeat(32) }, 'SUBGRAPHS'],
    [{ SUBGRAPHS: 'a=http://a/graphql,A=http://b/graphql', SUBGRAPH_SECRET: 'x'.repeat(32) }, 'SUBGRAPHS'],
    [{ SUBGRAPHS: 'a=http://a/graphql', SUPERGRAPH_FILE: 'x.graphql', SUBGRAPH_SECRET: 'x'.repeat(32) }, 'SUBGRAPHS'],
    [{ SUBGRAPH_SECRET: 'short' }, 'SUBGRAPH_SECRET'],
    [{ METRICS_TOKEN: 'short' }, 'METRICS_TOKEN'],
    [{ TRUST_PROXY: '-1' }, 'TRUST_PROXY'],
    [{ CORS_ORIGINS: 'not an origin' }, 'CORS_ORIGINS'],
  ])('rejects %j naming the variable, in one line', (env, variable) => {
    const error = expectConfigError(() => readGatewayConfig(env));
    expect(error.variable).toBe(variable);
    expect(error.message).toMatch(new RegExp(`^Invalid configuration: ${variable} `));
    expect(error.message).not.toContain('\n');
  });

  it('reads SUBGRAPHS as name=url pairs and SUPERGRAPH_FILE as a path', () => {
    expect(parseSubgraphList(' catalogue = http://10.0.0.1:4001/graphql , civil_status=https://hotich.example.gov.vn/graphql ')).toEqual([
      { name: 'catalogue', url: 'http://10.0.0.1:4001/graphql' },
      { name: 'civil_status', url: 'https://hotich.example.gov.vn/graphql' },
    ]);
    expect(readGatewayConfig({ SUPERGRAPH_FILE: 'schema/supergraph.graphql', SUBGRAPH_SECRET: 'x'.repeat(32) }, '/srv/app').supergraph).toEqual({
      kind: 'file',
      path: '/srv/app/schema/supergraph.graphql',
    });
  });

  it('turns the IDE and introspection off in production unless set', () => {
    expect(readGatewayConfig({ NODE_ENV: 'production' })).toMatchObject({ ideEnabled: false, introspectionEnabled: false, production: true });
    expect(readGatewayConfig({ NODE_ENV: 'production', IDE_ENABLED: 'true' }).ideEnabled).toBe(true);
  });

  it('accepts a real MongoDB connection string', () => {
    expect(readGatewayConfig({ MONGODB_URI: 'mongodb://user:pw@db.example:27017/?replicaSet=rs0' }).database.mongodbUri).toBe('mongodb://user:pw@db.example:27017/?replicaSet=rs0');
  });
});

describe('a subgraph configuration', () => {
  it('defaults the catalogue to port 4001, seeding on start, public responses cached 300 s', () => {
    expect(readCatalogueConfig({})).toMatchObject({ port: 4001, seedOnStart: true, cacheMaxAgeSeconds: 300, secret: undefined });
  });

  it.each([
    [{ SEED_ON_START: 'maybe' }, 'SEED_ON_START'],
    [{ SUBGRAPH_SECRET: 'short' }, 'SUBGRAPH_SECRET'],
    [{ CACHE_MAX_AGE_SECONDS: '-5' }, 'CACHE_MAX_AGE_SECONDS'],
  ])('rejects %j naming the variable', (env, variable) => {
    expect(expectConfigError(() => readCatalogueConfig(env)).variable).toBe(variable);
  });
});
