import { parseCitizenId } from '../../src/platform/population-api/citizen-id';
import { allowedFields, UPSTREAM_MAX_BATCH, type CitizenRecord } from '../../src/platform/population-api/purposes';
import { loadStubConfig } from '../../src/stubs/population/config';
import { CURRENT_PROVINCE_CODES, findIds, generateCitizen, sampleCitizenIds } from '../../src/stubs/population/generator';
import { startPopulationStub, type PopulationStubOptions, type StartedPopulationStub } from '../../src/stubs/population/server';

/**
 * The population database stub over real HTTP: each test talks to a stub on a
 * free port, with latency 0 unless latency is what it measures.
 */

const CLIENT = { id: 'test-gateway', secret: 'test-secret' };
const OTHER_CLIENT = { id: 'other-agency', secret: 'other-secret' };
const ADMIN_TOKEN = 'test-admin-token';
const AUTH = { 'x-client-id': CLIENT.id, 'x-client-secret': CLIENT.secret };

interface HttpAnswer {
  status: number;
  headers: Headers;
  body: unknown;
}

interface ErrorBody {
  error: { code: string; message: string; fields?: string[]; max?: number };
}
interface ExtractBody {
  id: string;
  status: string;
  citizen?: Record<string, unknown>;
}
interface CitizenFields {
  id: string;
  fullName: string;
  dateOfBirth: string;
  sex: string;
  birthRegistrationProvinceCode: string;
  deceased: boolean;
  dateOfDeath: string | null;
  permanentResidence: { provinceCode: string; addressLine: string };
}

const started: StartedPopulationStub[] = [];

async function startStub(options: Partial<PopulationStubOptions> = {}): Promise<StartedPopulationStub> {
  const stub = await startPopulationStub({
    clients: { [CLIENT.id]: CLIENT.secret, [OTHER_CLIENT.id]: OTHER_CLIENT.secret },
    adminToken: ADMIN_TOKEN,
    latencyMs: 0,
    jitterMs: 0,
    rateLimitPerSecond: 10_000,
    ...options,
  });
  started.push(stub);
  return stub;
}

afterAll(async () => {
  await Promise.all(started.map((stub) => stub.close()));
});

async function call(url: string, method: string, path: string, body?: unknown, headers: Record<string, string> = AUTH): Promise<HttpAnswer> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    init.headers = { 'content-type': 'application/json', ...headers };
  }
  const response = await fetch(new URL(path, url), init);
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

const post = (url: string, path: string, body: unknown, headers?: Record<string, string>): Promise<HttpAnswer> => call(url, 'POST', path, body, headers);
const errorCode = (answer: HttpAnswer): string => (answer.body as ErrorBody).error.code;
const ADMIN = { 'x-admin-token': ADMIN_TOKEN };

const CIVIL_FIELDS = [...allowedFields('CIVIL_STATUS')];
const RESIDENCE_FIELDS = [...allowedFields('RESIDENCE_VERIFICATION')];

/** A FOUND citizen's full record, read through the generator (the same code the stub runs). */
function citizenOf(id: string): CitizenRecord {
  const generated = generateCitizen(id);
  if (generated.status !== 'FOUND') throw new Error(`${id} is ${generated.status}`);
  return generated.citizen;
}

/** The first ID with this 6-digit prefix that exists and is alive (bounded search). */
function livingIdWithPrefix(prefix: string): string {
  for (let suffix = 0; suffix < 1000; suffix += 1) {
    const id = `${prefix}${String(suffix).padStart(6, '0')}`;
    const generated = generateCitizen(id);
    if (generated.status === 'FOUND' && !generated.citizen.deceased) return id;
  }
  throw new Error(`no living citizen with prefix ${prefix}`);
}

describe('synthetic citizens', () => {
  test('the same ID gives the same citizen from two separate stub instances', async () => {
    const [first, second] = await Promise.all([startStub(), startStub()]);
    const ids = sampleCitizenIds(20, 42);
    expect(new Set(ids).size).toBe(20);
    const ask = (url: string, fields: string[], purpose: string) => post(url, '/v1/extract/batch', { purpose, ids, fields });
    for (const [purpose, fields] of [
      ['CIVIL_STATUS', CIVIL_FIELDS],
      ['RESIDENCE_VERIFICATION', RESIDENCE_FIELDS],
    ] as const) {
      const [a, b] = await Promise.all([ask(first.url, [...fields], purpose), ask(second.url, [...fields], purpose)]);
      expect(a.status).toBe(200);
      expect(b.body).toEqual(a.body);
      const results = (a.body as { results: ExtractBody[] }).results;
      expect(results.filter((result) => result.status === 'FOUND').length).toBeGreaterThan(10);
    }
    // The generator itself is a pure function of the ID (and the day).
    const today = new Date('2025-09-01T00:00:00Z');
    expect(generateCitizen(ids[0] ?? '', today)).toEqual(generateCitizen(ids[0] ?? '', today));
    expect(sampleCitizenIds(5, 7)).toEqual(sampleCitizenIds(5, 7));
    expect(sampleCitizenIds(5, 7)).not.toEqual(sampleCitizenIds(5, 8));
  });

  test('the ID fixes sex, birth year and province of birth registration', async () => {
    const stub = await startStub();
    const cases = [
      { prefix: '079203', sex: 'MALE', year: 2003, province: '79' },
      { prefix: '001185', sex: 'FEMALE', year: 1985, province: '01' },
      { prefix: '091070', sex: 'MALE', year: 1970, province: '91' },
      { prefix: '046317', sex: 'FEMALE', year: 2017, province: '46' },
    ];
    for (const expected of cases) {
      const id = livingIdWithPrefix(expected.prefix);
      const answer = await post(stub.url, '/v1/extract', {
        purpose: 'CIVIL_STATUS',
        id,
        fields: ['fullName', 'dateOfBirth', 'sex', 'birthRegistrationProvinceCode', 'maritalStatus'],
      });
      expect(answer.status).toBe(200);
      const citizen = (answer.body as { citizen: CitizenFields & { maritalStatus: string } }).citizen;
      expect(citizen.sex).toBe(expected.sex);
      expect(citizen.dateOfBirth).toMatch(new RegExp(`^${expected.year}-\\d\\d-\\d\\d$`));
      expect(Number.isNaN(Date.parse(`${citizen.dateOfBirth}T00:00:00Z`))).toBe(false);
      expect(citizen.birthRegistrationProvinceCode).toBe(expected.province);
      expect(citizen.fullName).toBe(citizen.fullName.normalize('NFC'));
      expect(citizen.fullName.split(' ').length).toBeGreaterThanOrEqual(3);
      if (expected.year >= 2010) expect(citizen.maritalStatus).toBe('SINGLE'); // minors are never married
    }
  });

  test('records are plausible across many IDs: current provinces, dates in order, adults only as heads', () => {
    const today = new Date();
    const todayIso = today.toISOString().slice(0, 10);
    const current = new Set(CURRENT_PROVINCE_CODES);
    expect(current.size).toBe(34);
    let found = 0;
    for (const id of sampleCitizenIds(500, 3)) {
      const generated = generateCitizen(id, today);
      if (generated.status !== 'FOUND') continue;
      found += 1;
      const citizen = generated.citizen;
      const parts = parseCitizenId(id);
      expect(parts.ok && parts.parts.sex === citizen.sex && Number(citizen.dateOfBirth.slice(0, 4)) === parts.parts.birthYear).toBe(true);
      expect(citizen.dateOfBirth <= todayIso).toBe(true);
      expect(current.has(citizen.permanentResidence.provinceCode)).toBe(true);
      if (citizen.temporaryResidence) expect(citizen.temporaryResidence.provinceCode).not.toBe(citizen.permanentResidence.provinceCode);
      expect(citizen.nationality).toBe('Việt Nam');
      expect(citizen.householdHead.id).toMatch(/^\d{12}$/);
      const head = parseCitizenId(citizen.householdHead.id);
      expect(head.ok && head.parts.birthYear <= today.getUTCFullYear() - 18).toBe(true);
      expect(citizen.householdHead.id.slice(0, 3)).toBe(id.slice(0, 3));
      expect(citizen.relationshipToHead === 'Chủ hộ').toBe(citizen.householdHead.id === id);
      if (citizen.deceased) {
        expect(citizen.dateOfDeath !== null && citizen.dateOfDeath > citizen.dateOfBirth && citizen.dateOfDeath <= todayIso).toBe(true);
      } else {
        expect(citizen.dateOfDeath).toBeNull();
      }
    }
    expect(found).toBeGreaterThan(440);
  });

  test('about 5% of valid IDs do not exist and about 2% are deceased', async () => {
    let notFound = 0;
    let deceased = 0;
    const ids = sampleCitizenIds(2000, 11);
    for (const id of ids) {
      const generated = generateCitizen(id);
      if (generated.status === 'NOT_FOUND') notFound += 1;
      else if (generated.status === 'FOUND' && generated.citizen.deceased) deceased += 1;
    }
    expect(notFound / ids.length).toBeGreaterThan(0.03);
    expect(notFound / ids.length).toBeLessThan(0.07);
    expect(deceased / ids.length).toBeGreaterThan(0.01);
    expect(deceased / ids.length).toBeLessThan(0.05);

    const stub = await startStub();
    const missing = findIds('NOT_FOUND', 3, 5);
    const dead = findIds('DECEASED', 3, 5);
    const alive = findIds('FOUND', 3, 5);
    const extract = async (id: string) =>
      (await post(stub.url, '/v1/extract', { purpose: 'CIVIL_STATUS', id, fields: ['dateOfBirth', 'deceased', 'dateOfDeath'] })).body as ExtractBody;
    for (const id of missing) expect(await extract(id)).toEqual({ id, status: 'NOT_FOUND' });
    for (const id of dead) {
      const answer = await extract(id);
      const citizen = answer.citizen as unknown as CitizenFields;
      expect(answer.status).toBe('FOUND');
      expect(citizen.deceased).toBe(true);
      expect(citizen.dateOfDeath !== null && citizen.dateOfDeath > citizen.dateOfBirth).toBe(true);
      expect(citizen.dateOfDeath !== null && citizen.dateOfDeath <= new Date().toISOString().slice(0, 10)).toBe(true);
    }
    for (const id of alive) expect(((await extract(id)).citizen as unknown as CitizenFields).deceased).toBe(false);
  });

  test('malformed IDs are INVALID_ID, not errors', async () => {
    const stub = await startStub();
    const invalid = ['12345', '00119912345a', '000199123456', '001299000001'];
    expect(generateCitizen('000199123456')).toEqual({ status: 'INVALID_ID', problem: 'UNKNOWN_PROVINCE' });
    expect(generateCitizen('001299000001', new Date('2025-01-01T00:00:00Z'))).toEqual({ status: 'INVALID_ID', problem: 'BIRTH_YEAR_IN_FUTURE' });
    for (const id of invalid) {
      const extract = await post(stub.url, '/v1/extract', { purpose: 'IDENTITY', id, fields: ['fullName'] });
      expect(extract.status).toBe(200);
      expect(extract.body).toEqual({ id, status: 'INVALID_ID' });
      const verify = await post(stub.url, '/v1/verify', { purpose: 'IDENTITY', id, fullName: 'Nguyễn Văn An', dateOfBirth: '1990-01-01' });
      expect(verify.body).toEqual({ id, result: 'INVALID_ID' });
    }
  });
});

describe('verify and extract', () => {
  let stub: StartedPopulationStub;
  beforeAll(async () => {
    stub = await startStub();
  });

  test('verify matches name and date of birth, tolerant of case, spacing and Unicode form only', async () => {
    const [id = ''] = findIds('FOUND', 1, 21);
    const citizen = citizenOf(id);
    const verify = async (fullName: string, dateOfBirth: string) =>
      (await post(stub.url, '/v1/verify', { purpose: 'IDENTITY', id, fullName, dateOfBirth })).body as { id: string; result: string };
    expect(await verify(citizen.fullName, citizen.dateOfBirth)).toEqual({ id, result: 'MATCH' });
    const shouted = `  ${citizen.fullName.toUpperCase().normalize('NFD').replace(/ /g, '   ')} `;
    expect((await verify(shouted, citizen.dateOfBirth)).result).toBe('MATCH');
    expect((await verify(citizen.fullName, '1900-01-01')).result).toBe('NO_MATCH');
    expect((await verify(`${citizen.fullName} Hùng`, citizen.dateOfBirth)).result).toBe('NO_MATCH');
    // Diacritics matter: "Nguyen" is not "Nguyễn".
    const stripped = citizen.fullName.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd').replace(/Đ/g, 'D');
    if (stripped !== citizen.fullName) expect((await verify(stripped, citizen.dateOfBirth)).result).toBe('NO_MATCH');
    const [missing = ''] = findIds('NOT_FOUND', 1, 21);
    expect((await post(stub.url, '/v1/verify', { purpose: 'IDENTITY', id: missing, fullName: 'Nguyễn Văn An', dateOfBirth: '1990-01-01' })).body).toEqual({
      id: missing,
      result: 'NOT_FOUND',
    });
  });

  test('extract returns only the requested fields, and only those the purpose allows', async () => {
    const [id = ''] = findIds('FOUND', 1, 22);
    const full = citizenOf(id);
    const answer = await post(stub.url, '/v1/extract', { purpose: 'RESIDENCE_VERIFICATION', id, fields: ['fullName', 'permanentResidence'] });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ id, status: 'FOUND', citizen: { id, fullName: full.fullName, permanentResidence: full.permanentResidence } });

    const religion = await post(stub.url, '/v1/extract', { purpose: 'RESIDENCE_VERIFICATION', id, fields: ['fullName', 'religion'] });
    expect(religion.status).toBe(403);
    expect((religion.body as ErrorBody).error).toMatchObject({ code: 'FIELD_NOT_ALLOWED', fields: ['religion'] });

    const identityOnly = await post(stub.url, '/v1/extract/batch', { purpose: 'IDENTITY', ids: [id], fields: ['permanentResidence'] });
    expect(identityOnly.status).toBe(403);

    const unknown = await post(stub.url, '/v1/extract', { purpose: 'IDENTITY', id, fields: ['fullName', 'shoeSize'] });
    expect(unknown.status).toBe(400);
    expect((unknown.body as ErrorBody).error).toMatchObject({ code: 'UNKNOWN_FIELD', fields: ['shoeSize'] });

    const purpose = await post(stub.url, '/v1/extract', { purpose: 'CURIOSITY', id, fields: ['fullName'] });
    expect(purpose.status).toBe(400);
    expect(errorCode(purpose)).toBe('INVALID_PURPOSE');
    const noPurpose = await post(stub.url, '/v1/verify', { id, fullName: full.fullName, dateOfBirth: full.dateOfBirth });
    expect(errorCode(noPurpose)).toBe('INVALID_PURPOSE');
  });

  test('batches answer in request order, and accept 1..50 items', async () => {
    const ids = [...sampleCitizenIds(45, 30), '12345', ...findIds('NOT_FOUND', 2, 30), ...findIds('DECEASED', 2, 30)];
    expect(ids).toHaveLength(UPSTREAM_MAX_BATCH);
    const extract = await post(stub.url, '/v1/extract/batch', { purpose: 'IDENTITY', ids, fields: ['fullName', 'deceased'] });
    expect(extract.status).toBe(200);
    const results = (extract.body as { results: ExtractBody[] }).results;
    expect(results.map((result) => result.id)).toEqual(ids);
    expect(results.map((result) => result.status)).toEqual(ids.map((id) => generateCitizen(id).status));
    expect(results.slice(-2).every((result) => result.citizen?.deceased === true)).toBe(true);

    const items = ids.slice(0, 5).map((id, index) => {
      const generated = generateCitizen(id);
      const real = generated.status === 'FOUND' ? generated.citizen : undefined;
      // Even positions carry the true name and date; odd ones a wrong date.
      return { id, fullName: real?.fullName ?? 'Trần Thị Mai', dateOfBirth: index % 2 === 0 ? (real?.dateOfBirth ?? '1990-01-01') : '1899-12-31' };
    });
    const verify = await post(stub.url, '/v1/verify/batch', { purpose: 'IDENTITY', items });
    const verdicts = (verify.body as { results: Array<{ id: string; result: string }> }).results;
    expect(verdicts.map((verdict) => verdict.id)).toEqual(items.map((item) => item.id));
    verdicts.forEach((verdict, index) => {
      const status = generateCitizen(items[index]?.id ?? '').status;
      expect(verdict.result).toBe(status !== 'FOUND' ? status : index % 2 === 0 ? 'MATCH' : 'NO_MATCH');
    });

    const tooMany = await post(stub.url, '/v1/extract/batch', { purpose: 'IDENTITY', ids: [...ids, '001190000001'], fields: ['fullName'] });
    expect(tooMany.status).toBe(400);
    expect((tooMany.body as ErrorBody).error).toMatchObject({ code: 'BATCH_TOO_LARGE', max: 50 });
    const tooManyChecks = await post(stub.url, '/v1/verify/batch', { purpose: 'IDENTITY', items: Array.from({ length: 51 }, () => items[0]) });
    expect(errorCode(tooManyChecks)).toBe('BATCH_TOO_LARGE');
    const empty = await post(stub.url, '/v1/verify/batch', { purpose: 'IDENTITY', items: [] });
    expect(empty.status).toBe(400);
    expect((empty.body as ErrorBody).error).toMatchObject({ code: 'EMPTY_BATCH', max: 50 });
  });

  test('malformed bodies are 400 BAD_REQUEST, oversized ones 413', async () => {
    const broken = await post(stub.url, '/v1/verify', '{"purpose": "IDENTITY", ');
    expect(broken.status).toBe(400);
    expect(errorCode(broken)).toBe('BAD_REQUEST');
    const wrongShape = await post(stub.url, '/v1/verify/batch', { purpose: 'IDENTITY', items: [{ id: 5 }] });
    expect(errorCode(wrongShape)).toBe('BAD_REQUEST');
    const notArray = await post(stub.url, '/v1/extract/batch', { purpose: 'IDENTITY', ids: '001190000001', fields: ['fullName'] });
    expect(errorCode(notArray)).toBe('BAD_REQUEST');
    const arrayBody = await post(stub.url, '/v1/extract', [1, 2]);
    expect(errorCode(arrayBody)).toBe('BAD_REQUEST');
    const huge = await post(stub.url, '/v1/extract', { purpose: 'IDENTITY', id: '1'.repeat(300_000), fields: ['fullName'] });
    expect(huge.status).toBe(413);
    const unknownPath = await post(stub.url, '/v1/delete', { purpose: 'IDENTITY' });
    expect(unknownPath.status).toBe(404);
  });
});

describe('acting like a remote service', () => {
  test('requests without valid client credentials are 401 and not counted', async () => {
    const stub = await startStub();
    const body = { purpose: 'IDENTITY', id: '001190000001', fields: ['fullName'] };
    const refused: Array<Record<string, string>> = [
      {},
      { 'x-client-id': CLIENT.id },
      { 'x-client-id': CLIENT.id, 'x-client-secret': 'wrong' },
      { 'x-client-id': 'nobody', 'x-client-secret': CLIENT.secret },
      { 'x-client-id': CLIENT.id, 'x-client-secret': OTHER_CLIENT.secret }, // another client's secret
    ];
    for (const headers of refused) {
      const answer = await post(stub.url, '/v1/extract', body, headers);
      expect(answer.status).toBe(401);
      expect(errorCode(answer)).toBe('UNAUTHENTICATED');
    }
    expect(stub.state.stats.requests).toBe(0);
    expect((await post(stub.url, '/v1/extract', body, { 'x-client-id': OTHER_CLIENT.id, 'x-client-secret': OTHER_CLIENT.secret })).status).toBe(200);
  });

  test('each client has its own token bucket; over it → 429 with Retry-After', async () => {
    const stub = await startStub({ rateLimitPerSecond: 3 });
    const body = { purpose: 'IDENTITY', id: '001190000001', fullName: 'Nguyễn Văn An', dateOfBirth: '1990-01-01' };
    const statuses: number[] = [];
    let limited: HttpAnswer | undefined;
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const answer = await post(stub.url, '/v1/verify', body);
      statuses.push(answer.status);
      if (answer.status === 429) limited ??= answer;
    }
    expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
    expect(statuses.slice(3)).toEqual([429, 429]);
    expect(limited && errorCode(limited)).toBe('RATE_LIMITED');
    const retryAfter = limited?.headers.get('retry-after') ?? '';
    expect(retryAfter).toMatch(/^\d+$/);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    // Another caller is not held back by the first one's burst.
    const other = await post(stub.url, '/v1/verify', body, { 'x-client-id': OTHER_CLIENT.id, 'x-client-secret': OTHER_CLIENT.secret });
    expect(other.status).toBe(200);
    expect(stub.state.stats.rateLimited).toBe(2);
    expect(stub.state.stats.requests).toBe(6);
  });

  test('errorRate 1 answers 503 UPSTREAM_ERROR; outage refuses everything, health included', async () => {
    const stub = await startStub();
    const body = { purpose: 'IDENTITY', id: '001190000001', fields: ['fullName'] };
    stub.state.faults.errorRate = 1;
    const failing = await post(stub.url, '/v1/extract', body);
    expect(failing.status).toBe(503);
    expect(errorCode(failing)).toBe('UPSTREAM_ERROR');
    expect(stub.state.stats.injectedErrors).toBe(1);

    const outage = await call(stub.url, 'PUT', '/admin/faults', { mode: 'outage', errorRate: 0 }, ADMIN);
    expect(outage.body).toMatchObject({ mode: 'outage', errorRate: 0 });
    const down = await post(stub.url, '/v1/extract', body, {}); // not even authenticated: the service is down
    expect(down.status).toBe(503);
    expect(errorCode(down)).toBe('UPSTREAM_ERROR');
    const health = await call(stub.url, 'GET', '/healthz', undefined, {});
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({ mode: 'outage' });

    await call(stub.url, 'PUT', '/admin/faults', { mode: 'normal' }, ADMIN);
    expect((await post(stub.url, '/v1/extract', body)).status).toBe(200);
    expect((await call(stub.url, 'GET', '/healthz', undefined, {})).body).toEqual({ status: 'ok', mode: 'normal' });
  });

  test('latency and slow mode delay answers', async () => {
    const stub = await startStub({ latencyMs: 60, jitterMs: 0, slowMs: 200 });
    const body = { purpose: 'IDENTITY', id: '001190000001', fields: ['fullName'] };
    const timed = async (): Promise<number> => {
      const started = performance.now();
      expect((await post(stub.url, '/v1/extract', body)).status).toBe(200);
      return performance.now() - started;
    };
    expect(await timed()).toBeGreaterThanOrEqual(55);
    stub.state.faults.latencyMs = 0;
    stub.state.faults.mode = 'slow';
    expect(await timed()).toBeGreaterThanOrEqual(190);
    stub.state.faults.mode = 'normal';
    expect(await timed()).toBeLessThan(190);
  });

  test('admin endpoints need the token and validate updates', async () => {
    const stub = await startStub();
    expect((await call(stub.url, 'GET', '/admin/faults', undefined, {})).status).toBe(401);
    expect((await call(stub.url, 'GET', '/admin/stats', undefined, { 'x-admin-token': 'guess' })).status).toBe(401);
    expect((await call(stub.url, 'PUT', '/admin/faults', { mode: 'outage' }, AUTH)).status).toBe(401);
    expect(stub.state.faults.mode).toBe('normal');

    for (const bad of [{ errorRate: 2 }, { mode: 'broken' }, { latencyMs: -1 }, { latencyMs: 1.5 }, { jitterMs: '10' }, { unknownKnob: 1 }, { latencyMs: 5, mode: 'sideways' }]) {
      const answer = await call(stub.url, 'PUT', '/admin/faults', bad, ADMIN);
      expect(answer.status).toBe(400);
      expect(errorCode(answer)).toBe('BAD_REQUEST');
    }
    expect(stub.state.faults).toEqual({ latencyMs: 0, jitterMs: 0, errorRate: 0, mode: 'normal', slowMs: 5000, rateLimitPerSecond: 10_000 });

    const updated = await call(stub.url, 'PUT', '/admin/faults', { latencyMs: 5, errorRate: 0.25, rateLimitPerSecond: 20 }, ADMIN);
    expect(updated.status).toBe(200);
    expect((await call(stub.url, 'GET', '/admin/faults', undefined, ADMIN)).body).toEqual({
      latencyMs: 5,
      jitterMs: 0,
      errorRate: 0.25,
      mode: 'normal',
      slowMs: 5000,
      rateLimitPerSecond: 20,
    });
    expect(stub.state.faults.errorRate).toBe(0.25);
  });

  test('stats count authenticated calls by endpoint and client, with batch sizes, and reset', async () => {
    const stub = await startStub();
    const liveStats = stub.state.stats;
    const ids = sampleCitizenIds(3, 50);
    await post(stub.url, '/v1/extract', { purpose: 'IDENTITY', id: ids[0], fields: ['fullName'] });
    await post(stub.url, '/v1/extract/batch', { purpose: 'IDENTITY', ids, fields: ['fullName'] });
    await post(stub.url, '/v1/verify/batch', { purpose: 'IDENTITY', items: ids.slice(0, 2).map((id) => ({ id, fullName: 'Lê Văn Nam', dateOfBirth: '1980-05-05' })) });
    await post(
      stub.url,
      '/v1/verify',
      { purpose: 'IDENTITY', id: ids[1], fullName: 'Lê Văn Nam', dateOfBirth: '1980-05-05' },
      { 'x-client-id': OTHER_CLIENT.id, 'x-client-secret': OTHER_CLIENT.secret },
    );
    await post(stub.url, '/v1/verify', { purpose: 'IDENTITY' }, {}); // unauthenticated: not counted

    const stats = await call(stub.url, 'GET', '/admin/stats', undefined, ADMIN);
    expect(stats.body).toEqual({
      requests: 4,
      byEndpoint: { '/v1/extract': 1, '/v1/extract/batch': 1, '/v1/verify/batch': 1, '/v1/verify': 1 },
      batchSizes: [1, 3, 2, 1],
      rateLimited: 0,
      injectedErrors: 0,
      byClient: { [CLIENT.id]: 3, [OTHER_CLIENT.id]: 1 },
      inFlight: 0,
      maxInFlight: 1,
      requestedFields: [['fullName'], ['fullName']],
    });
    expect(liveStats.requests).toBe(4);

    const reset = await call(stub.url, 'POST', '/admin/stats/reset', undefined, ADMIN);
    expect(reset.status).toBe(200);
    expect(stub.state.stats).toBe(liveStats); // same object, zeroed in place
    expect(liveStats).toEqual({ requests: 0, byEndpoint: {}, batchSizes: [], rateLimited: 0, injectedErrors: 0, byClient: {}, inFlight: 0, maxInFlight: 0, requestedFields: [] });
  });

  test('stats count the requests answered at once, and their highest number', async () => {
    const stub = await startStub({ latencyMs: 150 });
    const ids = sampleCitizenIds(5, 51);
    const calls = ids.map((id) => post(stub.url, '/v1/extract', { purpose: 'IDENTITY', id, fields: ['fullName'] }));
    // While the five wait out their latency, all are in flight.
    await new Promise((resolve) => setTimeout(resolve, 75));
    expect(stub.state.stats.inFlight).toBe(5);
    expect((await Promise.all(calls)).map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200]);
    await post(stub.url, '/v1/extract', { purpose: 'IDENTITY', id: ids[0], fields: ['sex', 'fullName'] });
    const stats = (await call(stub.url, 'GET', '/admin/stats', undefined, ADMIN)).body as { inFlight: number; maxInFlight: number; requestedFields: string[][] };
    expect(stats).toMatchObject({ inFlight: 0, maxInFlight: 5 });
    expect(stats.requestedFields.at(-1)).toEqual(['sex', 'fullName']);
  });

  test('reject mode refuses every call with a message quoting the request, as a careless upstream would', async () => {
    const stub = await startStub();
    const [id = ''] = findIds('FOUND', 1, 52);
    await call(stub.url, 'PUT', '/admin/faults', { mode: 'reject' }, ADMIN);
    const answer = await post(stub.url, '/v1/verify/batch', { purpose: 'IDENTITY', items: [{ id, fullName: 'Nguyễn Văn An', dateOfBirth: '1990-01-01' }] });
    expect(answer.status).toBe(400);
    expect((answer.body as ErrorBody).error.code).toBe('REQUEST_REJECTED');
    expect((answer.body as ErrorBody).error.message).toContain(id);
    expect((answer.body as ErrorBody).error.message).toContain('Nguyễn Văn An');
    expect((await call(stub.url, 'GET', '/healthz', undefined, {})).body).toEqual({ status: 'ok', mode: 'reject' });
    await call(stub.url, 'PUT', '/admin/faults', { mode: 'normal' }, ADMIN);
    expect((await post(stub.url, '/v1/extract', { purpose: 'IDENTITY', id, fields: ['fullName'] })).status).toBe(200);
  });
});

describe('configuration', () => {
  test('defaults pair with the gateway; bad values name their variable', () => {
    const defaults = loadStubConfig({});
    expect(defaults).toMatchObject({
      port: 4100,
      clients: { 'dvc-gateway': 'dev-secret-change-me' },
      adminToken: 'dev-admin-token',
      latencyMs: 20,
      jitterMs: 10,
      mode: 'normal',
      rateLimitPerSecond: 50,
    });
    expect(loadStubConfig({ POPULATION_STUB_CLIENTS: 'a:x:y, b:z', POPULATION_STUB_ERROR_RATE: '0.1' })).toMatchObject({ clients: { a: 'x:y', b: 'z' }, errorRate: 0.1 });
    const bad: Array<[string, string]> = [
      ['POPULATION_STUB_PORT', 'eighty'],
      ['POPULATION_STUB_CLIENTS', 'no-secret-here'],
      ['POPULATION_STUB_ERROR_RATE', '1.5'],
      ['POPULATION_STUB_MODE', 'sleepy'],
      ['POPULATION_STUB_LATENCY_MS', '-5'],
      ['POPULATION_STUB_RATE_LIMIT', 'lots'],
    ];
    for (const [name, value] of bad) {
      expect(() => loadStubConfig({ [name]: value })).toThrow(name);
    }
    expect(() => loadStubConfig({ POPULATION_STUB_CLIENTS: 'a:topsecret,a:other' })).toThrow(/twice/);
    const messageOf = (env: Record<string, string>): string => {
      try {
        loadStubConfig(env);
        return '';
      } catch (error) {
        return error instanceof Error ? error.message : String(error);
      }
    };
    const message = messageOf({ POPULATION_STUB_CLIENTS: 'a:topsecret,broken' });
    expect(message).toContain('POPULATION_STUB_CLIENTS');
    expect(message).not.toContain('topsecret'); // secrets never reach messages
    expect(message).not.toContain('\n');
  });
});
