import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mongoKeyStore } from '../../src/gateway/api-keys';
import { readGatewayConfig } from '../../src/gateway/config';
import { startGateway, type RunningGateway } from '../../src/gateway/start';
import { SupergraphSource } from '../../src/gateway/supergraph/source';
import { ErrorCode } from '../../src/platform/errors';
import { silentLogger } from '../../src/platform/logger';
import type { CitizenRecord } from '../../src/platform/population-api/purposes';
import { findIds, generateCitizen, sampleCitizenIds } from '../../src/stubs/population/generator';
import type { StubStats } from '../../src/stubs/population/server';
import { auditCollection } from '../../src/subgraphs/population/audit/audit-log';
import { entriesOfPage } from '../../src/subgraphs/population/audit/read';
import { auditKeyOf } from '../../src/subgraphs/population/config';
import { bearer, startTestStack, TEST_AUDIT_KEY, type GraphQLResponse, type TestStack } from '../support/stack';

/**
 * Citizen lookups as a calling system makes them: through the gateway, over
 * real HTTP to both subgraphs, the population stub and the database.
 */

interface AuditNode {
  operation: string;
  purpose: string;
  outcome: string;
  fields: string[];
  keyId: string | null;
  role: string;
  requestId: string;
  hashKeyId: string | null;
  subjectRole: string;
}

type Citizen = Record<string, unknown> & { id: string };
type Errors = GraphQLResponse['body']['errors'];

const AUDIT_QUERY =
  'query ($id: ID) { auditEntries(subjectId: $id, first: 100) { totalCount nodes { operation purpose outcome fields keyId role requestId hashKeyId subjectRole } } }';
const CITIZEN = 'query ($id: ID!, $purpose: LookupPurpose!) { citizen(id: $id, purpose: $purpose) { ...Selected } }';

/** A FOUND citizen as the stub holds it (the generator is the stub's own code). */
function recordOf(id: string): CitizenRecord {
  const generated = generateCitizen(id);
  if (generated.status !== 'FOUND') throw new Error(`${id} is ${generated.status}`);
  return generated.citizen;
}

/** `[path, code]` of each error, for comparing in one line. */
const codes = (errors: Errors): Array<[string | undefined, unknown]> => (errors ?? []).map((e) => [e.path?.join('.'), e.extensions?.code]);

describe('citizen lookups through the gateway', () => {
  let t: TestStack;
  const keys = { officer: '', analyst: '', auditor: '' };
  const keyIds = { officer: '' };
  /** Everything personal a test was shown: the last test checks that none of it reached a log. */
  const disclosed = new Set<string>();

  const stats = async (): Promise<StubStats> => (await t.stubAdmin('GET', '/admin/stats')) as StubStats;
  const lookup = async <T = { citizen: Citizen | null }>(query: string, variables: Record<string, unknown>, key = keys.officer): Promise<GraphQLResponse<T>['body']> => {
    const response = await t.graphql<T>(query, variables, key ? bearer(key) : {});
    return response.body;
  };
  const audit = async (subjectId: string, stack: TestStack = t): Promise<AuditNode[]> => {
    const response = await stack.graphql<{ auditEntries: { nodes: AuditNode[] } }>(AUDIT_QUERY, { id: subjectId }, bearer(keys.auditor));
    expect(response.body.errors).toBeUndefined();
    return response.body.data?.auditEntries.nodes ?? [];
  };

  beforeAll(async () => {
    t = await startTestStack({ env: { METRICS_TOKEN: 'test-metrics-token-0123456789' } });
    for (const role of ['officer', 'analyst', 'auditor'] as const) keys[role] = await t.key(role);
    keyIds.officer = /^dvc_(k_[0-9a-f]{16})_/.exec(keys.officer)?.[1] ?? '';
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    await t.stubAdmin('POST', '/admin/stats/reset');
  });

  it('batches 120 lookups into ceil(unique/50) upstream calls, each ID once, in the order given', async () => {
    const unique = sampleCitizenIds(100, 7);
    const ids = [...unique, ...unique.slice(0, 20)];
    const result = await lookup<{ citizens: Array<Citizen | null> }>('query ($ids: [ID!]!) { citizens(ids: $ids, purpose: IDENTITY) { id } }', { ids });
    expect(result.errors).toBeUndefined();
    expect(result.data?.citizens.map((c) => c?.id ?? null)).toEqual(ids.map((id) => (generateCitizen(id).status === 'FOUND' ? id : null)));
    const s = await stats();
    expect(s.byEndpoint).toEqual({ '/v1/extract/batch': 2 });
    expect([...s.batchSizes].sort((a, b) => b - a)).toEqual([50, 50]);
  });

  it('returns only the fields the purpose covers, with provinces from the catalogue in their era', async () => {
    const [id = ''] = findIds('FOUND', 1, 11);
    const record = recordOf(id);
    const residence = await lookup(CITIZEN.replace('...Selected', 'id fullName sex religion permanentResidence { addressLine province { id era } }'), {
      id,
      purpose: 'RESIDENCE_VERIFICATION',
    });
    expect(residence.data?.citizen).toEqual({
      id,
      fullName: record.fullName,
      sex: record.sex,
      religion: null,
      permanentResidence: { addressLine: record.permanentResidence.addressLine, province: { id: `34:${record.permanentResidence.provinceCode}`, era: 'FROM_2025_07' } },
    });
    expect(codes(residence.errors)).toEqual([['citizen.religion', ErrorCode.FORBIDDEN]]);
    expect(residence.errors?.[0]?.message).toBe('The purpose RESIDENCE_VERIFICATION does not cover the field "religion".');

    const civil = await lookup(
      CITIZEN.replace('...Selected', 'birthRegistrationProvince { id name era cccdCode } hometownProvince { id era } permanentResidence { addressLine }'),
      { id, purpose: 'CIVIL_STATUS' },
    );
    expect(civil.data?.citizen).toMatchObject({
      birthRegistrationProvince: { id: `63:${record.birthRegistrationProvinceCode}`, era: 'BEFORE_2025_07', cccdCode: id.slice(0, 3) },
      hometownProvince: { id: `63:${record.hometownProvinceCode}`, era: 'BEFORE_2025_07' },
      permanentResidence: null,
    });
    expect(codes(civil.errors)).toEqual([['citizen.permanentResidence', ErrorCode.FORBIDDEN]]);
    disclosed.add(record.fullName).add(record.permanentResidence.addressLine);
  });

  it('asks the upstream only for the fields the query shows, within the purpose, and audits exactly those', async () => {
    const [id = ''] = findIds('FOUND', 1, 12);
    const query = `query ($id: ID!, $withSex: Boolean!) { citizen(id: $id, purpose: CIVIL_STATUS) { id ...Names sex @include(if: $withSex) religion } }
      fragment Names on Citizen { fullName dateOfBirth }`;
    const result = await lookup(query, { id, withSex: false });
    expect(result.data?.citizen).toMatchObject({ id, fullName: recordOf(id).fullName, religion: null });
    expect((await stats()).requestedFields).toEqual([['dateOfBirth', 'fullName']]);
    const [entry] = await audit(id);
    expect(entry).toMatchObject({ operation: 'EXTRACT', purpose: 'CIVIL_STATUS', outcome: 'FOUND', fields: ['dateOfBirth', 'fullName'], subjectRole: 'SUBJECT' });
    disclosed.add(recordOf(id).fullName);
  });

  it('verifies a name and date of birth without disclosing anything else', async () => {
    const [id = ''] = findIds('FOUND', 1, 13);
    const { fullName, dateOfBirth } = recordOf(id);
    const verify = 'query ($id: ID!, $name: String!, $dob: Date!) { verifyCitizen(id: $id, fullName: $name, dateOfBirth: $dob, purpose: IDENTITY) }';
    expect((await lookup(verify, { id, name: fullName, dob: dateOfBirth })).data).toEqual({ verifyCitizen: 'MATCH' });
    expect((await lookup(verify, { id, name: 'Nguyễn Văn Không Có', dob: dateOfBirth })).data).toEqual({ verifyCitizen: 'NO_MATCH' });
    const [missing] = findIds('NOT_FOUND', 1, 13);
    expect((await lookup(verify, { id: missing, name: fullName, dob: dateOfBirth })).data).toEqual({ verifyCitizen: 'NOT_FOUND' });
    expect((await audit(id)).map((e) => [e.operation, e.outcome, e.fields])).toEqual([
      ['VERIFY', 'NO_MATCH', []],
      ['VERIFY', 'MATCH', []],
    ]);
    disclosed.add(fullName);
  });

  it('answers null for an ID with no citizen, and records the lookup', async () => {
    const [missing = ''] = findIds('NOT_FOUND', 1, 14);
    const result = await lookup(CITIZEN.replace('...Selected', 'id fullName'), { id: missing, purpose: 'IDENTITY' });
    expect(result).toEqual({ data: { citizen: null } });
    expect((await audit(missing)).map((e) => [e.outcome, e.fields])).toEqual([['NOT_FOUND', []]]);
  });

  it('refuses callers without the officer role, and malformed IDs, before any upstream call, leaving no audit entry', async () => {
    const entries = auditCollection(t.database.db);
    const before = await entries.countDocuments();
    const [id] = findIds('FOUND', 1, 15);
    const query = 'query ($id: ID!) { citizen(id: $id, purpose: IDENTITY) { id } directive(id: "406/QĐ-TTg") { id } }';
    for (const key of ['', keys.analyst, keys.auditor]) {
      const result = await lookup<{ citizen: Citizen | null; directive: { id: string } }>(query, { id }, key);
      expect(codes(result.errors)).toEqual([['citizen', ErrorCode.FORBIDDEN]]);
      expect(result.data).toEqual({ citizen: null, directive: { id: '406/QĐ-TTg' } });
    }
    for (const bad of ['12345', '999012345678', '001999123456', 'abcdefghijkl']) {
      const result = await lookup(query, { id: bad });
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: ErrorCode.BAD_USER_INPUT, argumentName: 'id' });
      // The message says what is wrong without repeating what was sent.
      expect(result.errors?.[0]?.message).not.toContain(bad);
    }
    const many = await lookup<{ citizens: Citizen[] | null }>('query ($ids: [ID!]!) { citizens(ids: $ids, purpose: IDENTITY) { id } }', { ids: [id, '999012345678'] });
    expect(many.errors?.map((e) => [e.extensions?.code, e.extensions?.argumentName, e.message])).toEqual([
      [ErrorCode.BAD_USER_INPUT, 'ids', '`ids[1]` is not a valid citizen ID: Digits 1–3 ("999") are not the code of a province.'],
    ]);
    expect((await stats()).requests).toBe(0);
    expect(await entries.countDocuments()).toBe(before);
  });

  it('writes an audit entry per lookup, the ID only as a keyed hash, readable by auditors alone', async () => {
    const [id = ''] = findIds('FOUND', 1, 16);
    const response = await t.graphql(CITIZEN.replace('...Selected', 'id maritalStatus fullName'), { id, purpose: 'CIVIL_STATUS' }, bearer(keys.officer));
    // The trail stores its entries in pages (src/subgraphs/population/audit/chain.ts).
    const pages = await auditCollection(t.database.db).find({}).toArray();
    const stored = pages.flatMap(entriesOfPage);
    expect(stored.length).toBeGreaterThan(5);
    expect(JSON.stringify(pages)).not.toContain(id);
    // Every entry names the key its hash was made with, so the key can be rotated.
    expect(new Set(stored.map((entry) => entry.hashKeyId))).toEqual(new Set([auditKeyOf(TEST_AUDIT_KEY).id]));
    expect(await audit(id)).toEqual([
      {
        operation: 'EXTRACT',
        purpose: 'CIVIL_STATUS',
        outcome: 'FOUND',
        fields: ['fullName', 'maritalStatus'],
        keyId: keyIds.officer,
        role: 'OFFICER',
        requestId: response.headers.get('x-request-id'),
        hashKeyId: auditKeyOf(TEST_AUDIT_KEY).id,
        subjectRole: 'SUBJECT',
      },
    ]);
    for (const key of [keys.officer, keys.analyst, '']) {
      expect(codes((await lookup(AUDIT_QUERY, { id }, key)).errors)).toEqual([['auditEntries', ErrorCode.FORBIDDEN]]);
    }
    disclosed.add(recordOf(id).fullName);
  });

  it('audits the household head its record discloses as a subject too', async () => {
    const id = findIds('FOUND', 30, 17).find((candidate) => recordOf(candidate).householdHead.id !== candidate) ?? '';
    const head = recordOf(id).householdHead;
    const result = await lookup(CITIZEN.replace('...Selected', 'id relationshipToHead householdHead { id fullName }'), { id, purpose: 'RESIDENCE_VERIFICATION' });
    expect(result.data?.citizen).toEqual({ id, relationshipToHead: recordOf(id).relationshipToHead, householdHead: head });
    const [subject] = await audit(id);
    expect(subject).toMatchObject({ subjectRole: 'SUBJECT', fields: ['householdHead', 'relationshipToHead'], outcome: 'FOUND' });
    expect(await audit(head.id)).toEqual([{ ...subject, subjectRole: 'HOUSEHOLD_HEAD', fields: ['id', 'fullName'] }]);
    // Without householdHead in the query, the head is neither asked for nor recorded.
    await lookup(CITIZEN.replace('...Selected', 'relationshipToHead'), { id, purpose: 'RESIDENCE_VERIFICATION' });
    expect(await audit(head.id)).toHaveLength(1);
    disclosed.add(head.fullName);
  });

  describe('rights of the calling system (API key purposes and fields)', () => {
    let narrow = '';
    beforeAll(async () => {
      narrow = await t.key('officer', { name: 'Cổng cư trú tỉnh', purposes: ['RESIDENCE_VERIFICATION'], fields: ['fullName'] });
    });

    it('refuses a purpose the key may not state, recording the refusal, with no upstream call', async () => {
      const [id = ''] = findIds('FOUND', 1, 18);
      const result = await lookup(CITIZEN.replace('...Selected', 'fullName'), { id, purpose: 'IDENTITY' }, narrow);
      expect(result.data).toEqual({ citizen: null });
      expect(codes(result.errors)).toEqual([['citizen', ErrorCode.FORBIDDEN]]);
      expect(result.errors?.[0]?.message).toBe('This API key may not state the purpose IDENTITY; its purposes are RESIDENCE_VERIFICATION.');
      const verify = await lookup<{ verifyCitizen: string | null }>(
        'query ($id: ID!) { verifyCitizen(id: $id, fullName: "Nguyễn Văn An", dateOfBirth: "1990-01-01", purpose: CIVIL_STATUS) }',
        { id },
        narrow,
      );
      expect(codes(verify.errors)).toEqual([['verifyCitizen', ErrorCode.FORBIDDEN]]);
      expect((await stats()).requests).toBe(0);
      expect((await audit(id)).map((e) => [e.operation, e.purpose, e.outcome, e.fields])).toEqual([
        ['VERIFY', 'CIVIL_STATUS', 'REFUSED', []],
        ['EXTRACT', 'IDENTITY', 'REFUSED', []],
      ]);
    });

    it('answers a field outside the key null with FORBIDDEN, and never asks the upstream for it', async () => {
      const [id = ''] = findIds('FOUND', 1, 19);
      const result = await lookup(
        CITIZEN.replace('...Selected', 'fullName dateOfBirth permanentResidence { addressLine } onlineServicesAtResidence { id }'),
        { id, purpose: 'RESIDENCE_VERIFICATION' },
        narrow,
      );
      expect(result.data?.citizen).toEqual({ fullName: recordOf(id).fullName, dateOfBirth: null, permanentResidence: null, onlineServicesAtResidence: null });
      expect(codes(result.errors).sort()).toEqual([
        ['citizen.dateOfBirth', ErrorCode.FORBIDDEN],
        ['citizen.onlineServicesAtResidence', ErrorCode.FORBIDDEN],
        ['citizen.permanentResidence', ErrorCode.FORBIDDEN],
      ]);
      expect(result.errors?.find((e) => e.path?.join('.') === 'citizen.dateOfBirth')?.message).toBe('This API key may not read the field "dateOfBirth".');
      expect((await stats()).requestedFields).toEqual([['fullName']]);
      expect((await audit(id)).map((e) => e.fields)).toEqual([['fullName']]);
      disclosed.add(recordOf(id).fullName);
    });
  });

  describe('what the catalogue subgraph receives', () => {
    let proxy: RecordingProxy;
    let gateway: RunningGateway;
    beforeAll(async () => {
      proxy = await recordingProxy(t.stack.catalogue.http.url);
      gateway = await gatewayOver(t, `${proxy.url}/graphql`);
    });
    afterAll(async () => {
      await gateway.drain(Date.now() + 2_000);
      await proxy.close();
    });

    it('resolves onlineServicesAtResidence from an opaque ref and the residence province, never the citizen ID', async () => {
      // Someone living in Gia Lai (34:52), formed from Bình Định, which progress reports name done for two services.
      const id = findIds('FOUND', 400, 20).find((candidate) => recordOf(candidate).permanentResidence.provinceCode === '52') ?? '';
      const record = recordOf(id);
      proxy.bodies.length = 0;
      const query = CITIZEN.replace(
        '...Selected',
        'id fullName householdHead { id fullName } permanentResidence { addressLine province { name } } onlineServicesAtResidence { name }',
      );
      const post = async (): Promise<{ citizen: Citizen }> => {
        const response = await fetch(`${gateway.http.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...bearer(keys.officer) },
          body: JSON.stringify({ query, variables: { id, purpose: 'RESIDENCE_VERIFICATION' } }),
        });
        const body = (await response.json()) as GraphQLResponse<{ citizen: Citizen }>['body'];
        expect(body.errors).toBeUndefined();
        return body.data as { citizen: Citizen };
      };
      const first = await post();
      expect(first.citizen).toMatchObject({
        id,
        permanentResidence: { province: { name: 'Gia Lai' } },
        onlineServicesAtResidence: [{ name: expect.any(String) }, { name: expect.any(String) }],
      });
      expect(first.citizen.onlineServicesAtResidence).toContainEqual({ name: 'Cấp giấy thăm viếng mộ liệt sĩ' });
      await post();

      const sent = proxy.bodies.join('\n');
      for (const personal of [id, record.fullName, record.householdHead.id, record.householdHead.fullName, record.permanentResidence.addressLine])
        expect(sent).not.toContain(personal);
      const citizens = proxy.bodies.flatMap(representations).filter((r) => r.__typename === 'Citizen');
      expect(citizens).toHaveLength(2);
      for (const representation of citizens) {
        expect(Object.keys(representation).sort()).toEqual(['__typename', 'ref', 'residence']);
        expect(representation.residence).toEqual({ provinceId: '34:52', deniedBecause: null });
        expect(representation.ref).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      }
      // A new handle per lookup: the catalogue cannot tell that two lookups were of the same person.
      expect(citizens[0]?.ref).not.toBe(citizens[1]?.ref);
      const provinces = proxy.bodies.flatMap(representations).filter((r) => r.__typename === 'Province');
      for (const representation of provinces) expect(Object.keys(representation).sort()).toEqual(['__typename', 'id']);
      disclosed.add(record.fullName).add(record.householdHead.fullName).add(record.permanentResidence.addressLine);
    });
  });

  it('finds entries hashed under a previous AUDIT_HASH_KEY after a rotation', async () => {
    const [id = ''] = findIds('FOUND', 1, 21);
    await lookup(CITIZEN.replace('...Selected', 'sex'), { id, purpose: 'IDENTITY' });
    // The same database, restarted with a new key that lists the old one.
    const rotated = await startTestStack({ database: t.database, env: { AUDIT_HASH_KEY: 'rotated-audit-hash-key', AUDIT_HASH_PREVIOUS_KEYS: `older-key,${TEST_AUDIT_KEY}` } });
    try {
      await rotated.graphql(CITIZEN.replace('...Selected', 'sex'), { id, purpose: 'IDENTITY' }, bearer(keys.officer));
      const entries = await audit(id, rotated);
      expect(entries.map((e) => e.hashKeyId)).toEqual([auditKeyOf('rotated-audit-hash-key').id, auditKeyOf(TEST_AUDIT_KEY).id]);
      // The old instance, which knows only the old key, sees its own entry and not the new one.
      expect((await audit(id)).map((e) => e.hashKeyId)).toEqual([auditKeyOf(TEST_AUDIT_KEY).id]);
    } finally {
      await rotated.close();
    }
  });

  it('exposes upstream calls, the breaker and the audit writes as metrics, with no personal data', async () => {
    const [id = ''] = findIds('FOUND', 1, 23);
    const lookedUp = await t.graphql(CITIZEN.replace('...Selected', 'fullName'), { id, purpose: 'IDENTITY' }, bearer(keys.officer));
    // The access log: who, the outcome and the time, never the variables.
    const access = t.logs.find((line) => line.includes('"message":"graphql request"') && line.includes(`"requestId":"${lookedUp.headers.get('x-request-id')}"`));
    expect(JSON.parse(access ?? '{}')).toMatchObject({ outcome: 'success', role: 'officer', keyId: keyIds.officer, status: 200 });
    const response = await fetch(`${t.url}/metrics`, { headers: { authorization: 'Bearer test-metrics-token-0123456789' } });
    const text = await response.text();
    expect(response.headers.get('content-type')).toContain('text/plain');
    expect(text).toMatch(/population_upstream_calls_total\{path="\/v1\/extract\/batch",status="200"\} \d+/);
    expect(text).toMatch(/population_upstream_breaker_state 0/);
    expect(text).toMatch(/database_commands_total\{component="population",command="insert"\} \d+/);
    expect(text).toMatch(/subgraph_requests_total\{subgraph="population",outcome="success"\} \d+/);
    expect(text).toMatch(/gateway_subgraph_requests_total\{subgraph="population",outcome="success"\} \d+/);
    expect(text).not.toContain(id);
    expect(text).not.toContain(recordOf(id).fullName);
    disclosed.add(recordOf(id).fullName);
  });

  it('never logs personal data: no citizen ID (not even redacted), name or address from any test above', () => {
    const logs = t.logs.join('\n');
    expect(t.logs.length).toBeGreaterThan(10);
    expect(disclosed.size).toBeGreaterThan(8);
    for (const value of disclosed) expect(logs).not.toContain(value);
    // The logger masks 12-digit runs as a last defence; a request id (a UUID) may end in one, nothing else may.
    expect(logs.match(/(?<![0-9a-f]-)\[12 digits\]/g)).toBeNull();
  });
});

interface RecordingProxy {
  url: string;
  /** Every request body forwarded, as sent. */
  bodies: string[];
  close(): Promise<void>;
}

const HOP_HEADERS = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive']);

function forwardable(headers: IncomingHttpHeaders): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).flatMap(([name, value]) => (typeof value === 'string' && !HOP_HEADERS.has(name) ? [[name, value]] : [])));
}

/** An HTTP proxy in front of `target` that keeps every request body: what a subgraph is told, seen from outside it. */
async function recordingProxy(target: string): Promise<RecordingProxy> {
  const bodies: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      bodies.push(body);
      fetch(new URL(req.url ?? '/', target), { method: req.method, headers: forwardable(req.headers), body: req.method === 'GET' ? undefined : body })
        .then(async (answer) => {
          // fetch has decoded the body, so its encoding and length headers no longer apply.
          const headers = Object.fromEntries([...answer.headers].filter(([name]) => !HOP_HEADERS.has(name) && name !== 'content-encoding'));
          res.writeHead(answer.status, headers).end(Buffer.from(await answer.arrayBuffer()));
        })
        .catch(() => res.writeHead(502).end());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    bodies,
    close: () => new Promise<void>((resolve) => server.close(() => resolve()).closeAllConnections()),
  };
}

/** The `_entities` representations in a subgraph request body. */
function representations(body: string): Array<Record<string, unknown>> {
  const parsed = JSON.parse(body) as { variables?: { representations?: unknown } };
  const list = parsed.variables?.representations;
  return Array.isArray(list) ? list.filter((item): item is Record<string, unknown> => typeof item === 'object' && item !== null) : [];
}

/** A second gateway over the stack's own subgraphs and key database, reaching the catalogue at `catalogueUrl`. */
async function gatewayOver(t: TestStack, catalogueUrl: string): Promise<RunningGateway> {
  const config = readGatewayConfig({ PORT: '0', MONGODB_DB: t.database.name });
  const subgraphs = [
    { name: 'catalogue', url: catalogueUrl },
    { name: 'population', url: t.stack.population.url },
  ];
  const source = new SupergraphSource({ kind: 'subgraphs', subgraphs }, t.stack.secret, 5_000, silentLogger);
  return startGateway({ config, source, secret: t.stack.secret, keys: mongoKeyStore(t.database.db), log: silentLogger });
}
