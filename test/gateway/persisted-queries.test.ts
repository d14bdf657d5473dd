import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256 } from '../../src/gateway/edge/persisted';
import { bearer, stackPool, type TestStack } from '../support/stack';

const QUERY = '{ directive(id: "406/qd-ttg") { id } }';

describe('persisted queries and caching', () => {
  const pool = stackPool('apq');
  let lastStack: TestStack;
  const start = async (env: Record<string, string> = {}) => {
    lastStack = await pool.start(env);
    return `${lastStack.url}/graphql`;
  };
  const post = (url: string, body: unknown) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' }, body: JSON.stringify(body) }).then(async (r) => ({
      status: r.status,
      body: (await r.json()) as { data?: unknown; errors?: Array<{ extensions?: { code?: string } }> },
    }));
  const byHash = (query: string) => ({ extensions: { persistedQuery: { version: 1, sha256Hash: sha256(query) } } });

  beforeAll(async () => {
    await pool.open();
  });
  afterAll(() => pool.close());

  it('supports automatic persisted queries: hash miss, register, then hash only', async () => {
    const url = await start();
    const miss = await post(url, byHash(QUERY));
    expect(miss.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect((await post(url, { query: QUERY, ...byHash(QUERY) })).body).toEqual({ data: { directive: { id: '406/QĐ-TTg' } } });
    expect((await post(url, byHash(QUERY))).body).toEqual({ data: { directive: { id: '406/QĐ-TTg' } } });
  });

  it('lets proxies cache public catalogue GETs, but never personal or keyed responses', async () => {
    const url = await start();
    const get = (query: string, headers: Record<string, string> = {}) => fetch(`${url}?${new URLSearchParams({ query })}`, { headers });
    const catalogue = await get(QUERY);
    expect(await catalogue.json()).toEqual({ data: { directive: { id: '406/QĐ-TTg' } } });
    expect(catalogue.headers.get('cache-control')).toBe('max-age=300, public');
    const health = await get('{ health { database } }');
    expect(health.headers.get('cache-control')).toBe('no-store');
    const citizen = await get('{ citizen(id: "001099012345", purpose: IDENTITY) { id } }');
    expect(citizen.headers.get('cache-control')).toBe('no-store');
    const keyed = await get(QUERY, bearer(await lastStack.key('analyst')));
    expect(keyed.headers.get('cache-control')).toBe('max-age=300, private');
  });

  it('in trusted-documents mode runs only allow-listed operations, by text or by hash', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'trusted-'));
    const manifest = join(dir, 'trusted.json');
    await writeFile(manifest, JSON.stringify({ [sha256(QUERY)]: QUERY }));
    const url = await start({ TRUSTED_DOCUMENTS_FILE: manifest });
    expect((await post(url, byHash(QUERY))).body).toEqual({ data: { directive: { id: '406/QĐ-TTg' } } });
    expect((await post(url, { query: QUERY })).body).toEqual({ data: { directive: { id: '406/QĐ-TTg' } } });
    const other = await post(url, { query: '{ directives { totalCount } }' });
    expect(other.status).toBe(400);
    expect(other.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_ALLOWED');
    const unknownHash = await post(url, byHash('{ health { database } }'));
    expect(unknownHash.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_ALLOWED');
  });
});
