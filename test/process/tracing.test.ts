import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { createApiKey } from '../../src/gateway/api-keys';
import { startPopulationStub, type StartedPopulationStub } from '../../src/stubs/population/server';
import { findIds } from '../../src/stubs/population/generator';
import { testDatabaseUri } from '../support/database';
import { MAIN, spawnGateway, waitForReady } from '../support/gateway-process';
import { STUB_CLIENT, TEST_AUDIT_KEY } from '../support/stack';

/** One span as an OTLP/HTTP JSON export carries it, with its resource's service name. */
/** The caller's user agent: a browser's identifies its user, and must not reach a span. */
const CALLER_AGENT = 'Mozilla/5.0 (X11; Linux x86_64) dvc-tracing-test/1.0';

interface ExportedSpan {
  service: string;
  scope: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  attributes: Record<string, unknown>;
  /** Every text the span exports besides its ids: name, attribute and event values, status message, resource. */
  texts: string[];
}

type OtlpValue = { stringValue?: string; intValue?: string | number; boolValue?: boolean; doubleValue?: number; arrayValue?: { values?: OtlpValue[] } };
type OtlpAttribute = { key: string; value: OtlpValue };
interface OtlpExport {
  resourceSpans: Array<{
    resource: { attributes: OtlpAttribute[] };
    scopeSpans: Array<{
      scope: { name: string };
      spans: Array<{
        traceId: string;
        spanId: string;
        parentSpanId?: string;
        name: string;
        attributes?: OtlpAttribute[];
        events?: Array<{ name: string; attributes?: OtlpAttribute[] }>;
        status?: { message?: string };
      }>;
    }>;
  }>;
}

const valueOf = (value: OtlpValue): unknown => value.stringValue ?? value.intValue ?? value.boolValue ?? value.doubleValue ?? value.arrayValue?.values?.map(valueOf);
const record = (attributes: OtlpAttribute[] = []): Record<string, unknown> => Object.fromEntries(attributes.map((a) => [a.key, valueOf(a.value)]));

/** A real OTLP/HTTP receiver: POST /v1/traces with JSON bodies (OTEL_EXPORTER_OTLP_PROTOCOL=http/json). */
async function startOtlpReceiver(): Promise<{ url: string; spans(): ExportedSpan[]; requests: number; close(): Promise<void> }> {
  const spans: ExportedSpan[] = [];
  const receiver = { requests: 0 };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/traces' || !String(req.headers['content-type']).startsWith('application/json')) {
        res.writeHead(415).end();
        return;
      }
      receiver.requests += 1;
      for (const resourceSpans of (JSON.parse(body) as OtlpExport).resourceSpans) {
        const resource = record(resourceSpans.resource.attributes);
        for (const { scope, spans: list } of resourceSpans.scopeSpans) {
          for (const span of list) {
            const attributes = record(span.attributes);
            const texts = [
              span.name,
              span.status?.message ?? '',
              JSON.stringify(attributes),
              JSON.stringify(resource),
              ...(span.events ?? []).map((e) => `${e.name} ${JSON.stringify(record(e.attributes))}`),
            ];
            spans.push({
              service: String(resource['service.name']),
              scope: scope.name,
              traceId: span.traceId,
              spanId: span.spanId,
              parentSpanId: span.parentSpanId ?? '',
              name: span.name,
              attributes,
              texts,
            });
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans: () => spans,
    get requests() {
      return receiver.requests;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The population database's address for the subgraph: forwards to the stub and keeps the headers of every call. */
async function startRecordingUpstream(stub: StartedPopulationStub): Promise<{ url: string; calls: Array<{ path: string; headers: IncomingHttpHeaders }>; close(): Promise<void> }> {
  const calls: Array<{ path: string; headers: IncomingHttpHeaders }> = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      calls.push({ path: req.url ?? '', headers: req.headers });
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([name]) => ['content-type', 'x-client-id', 'x-client-secret'].includes(name))) as Record<
        string,
        string
      >;
      const answer = await fetch(`${stub.url}${req.url ?? ''}`, { method: req.method, headers, body: req.method === 'POST' ? Buffer.concat(chunks) : undefined });
      res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' }).end(Buffer.from(await answer.arrayBuffer()));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, calls, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const TWELVE_DIGITS = /(?<!\d)\d{12}(?!\d)/;

describe('OpenTelemetry traces (OTEL_EXPORTER_OTLP_ENDPOINT)', () => {
  jest.setTimeout(120_000);

  it('follow a citizen lookup in one trace, the caller’s, across the gateway, both subgraphs, MongoDB and the upstream, with no personal data', async () => {
    const receiver = await startOtlpReceiver();
    const stub = await startPopulationStub({ port: 0, clients: { [STUB_CLIENT.id]: STUB_CLIENT.secret }, latencyMs: 0, jitterMs: 0 });
    const upstream = await startRecordingUpstream(stub);
    const databaseName = `tracing_${Date.now()}`;
    const client = new MongoClient(testDatabaseUri());
    const { key } = await createApiKey(client.db(databaseName), { name: 'tracing test', role: 'officer' });
    const gateway = spawnGateway({
      MONGODB_URI: testDatabaseUri(),
      MONGODB_DB: databaseName,
      POPULATION_API_URL: upstream.url,
      POPULATION_CLIENT_ID: STUB_CLIENT.id,
      POPULATION_CLIENT_SECRET: STUB_CLIENT.secret,
      AUDIT_HASH_KEY: TEST_AUDIT_KEY,
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    });
    const [id] = findIds('FOUND', 1, 7) as [string];
    const traceId = randomBytes(16).toString('hex');
    const callerSpanId = randomBytes(8).toString('hex');
    let citizen: { fullName: string; dateOfBirth: string; onlineServicesAtResidence: Array<{ name: string }> | null };
    try {
      const url = await waitForReady(gateway);
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, traceparent: `00-${traceId}-${callerSpanId}-01`, 'user-agent': CALLER_AGENT },
        body: JSON.stringify({
          query: 'query Lookup($id: ID!) { citizen(id: $id, purpose: RESIDENCE_VERIFICATION) { fullName dateOfBirth onlineServicesAtResidence { name } } }',
          variables: { id },
        }),
      });
      const body = (await response.json()) as { data: { citizen: typeof citizen }; errors?: unknown };
      expect(body.errors).toBeUndefined();
      citizen = body.data.citizen;
      expect(citizen).toEqual({ fullName: expect.any(String), dateOfBirth: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), onlineServicesAtResidence: expect.any(Array) });
    } finally {
      // Shutdown flushes the spans still buffered.
      gateway.child.kill('SIGTERM');
    }
    expect(await gateway.exited).toBe(0);
    await client.db(databaseName).dropDatabase();
    await client.close();
    await upstream.close();
    await stub.close();
    await receiver.close();

    const all = receiver.spans();
    const spans = all.filter((span) => span.traceId === traceId);
    const byId = new Map(spans.map((span) => [span.spanId, span]));
    const parentOf = (span: ExportedSpan) => byId.get(span.parentSpanId);

    // One trace, the caller's: the gateway's request span continues the caller's span.
    const request = spans.find((span) => span.service === 'dvc-gateway' && span.name === 'POST /graphql');
    expect(request?.parentSpanId).toBe(callerSpanId);
    expect(new Set(spans.map((span) => span.service))).toEqual(new Set(['dvc-gateway', 'dvc-catalogue', 'dvc-population']));
    // The gateway: its operation, execution, the plan that joins the citizen to the catalogue, a subgraph call and fetch per subgraph.
    const names = spans.filter((span) => span.service === 'dvc-gateway').map((span) => span.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'graphql.operation Lookup',
        'graphql.parse',
        'graphql.validate',
        'graphql.execute',
        'gateway.plan Citizen',
        'subgraph.execute (population)',
        'subgraph.execute (catalogue)',
        'http.fetch',
      ]),
    );
    // Each subgraph's execution continues the gateway's fetch of it (traceparent gateway → subgraph).
    for (const subgraph of ['catalogue', 'population']) {
      const execution = spans.find((span) => span.service === `dvc-${subgraph}` && span.scope === `dvc-${subgraph}`);
      expect(execution?.name).toMatch(new RegExp(`^${subgraph} query`));
      expect(parentOf(execution as ExportedSpan)?.name).toBe('http.fetch');
      expect(parentOf(parentOf(execution as ExportedSpan) as ExportedSpan)?.name).toBe(`subgraph.execute (${subgraph})`);
    }
    // MongoDB commands, as children of the subgraph that sent them: the catalogue's reads, the population's audit entry.
    const mongo = spans.filter((span) => span.scope === '@opentelemetry/instrumentation-mongodb');
    expect(mongo.some((span) => span.service === 'dvc-catalogue' && span.attributes['db.operation.name'] === 'find' && span.attributes['db.collection.name'] === 'provinces')).toBe(
      true,
    );
    expect(
      mongo.some((span) => span.service === 'dvc-population' && span.attributes['db.operation.name'] === 'insert' && span.attributes['db.collection.name'] === 'audit_log'),
    ).toBe(true);
    expect(mongo.some((span) => span.service === 'dvc-gateway' && span.attributes['db.collection.name'] === 'api_keys')).toBe(true);
    for (const span of mongo) {
      const parent = parentOf(span) as ExportedSpan;
      expect(parent.service).toBe(span.service);
      if (span.service !== 'dvc-gateway') expect(parent.name).toBe(`${span.service.replace('dvc-', '')} query Lookup`);
      // Commands are shapes: field names and operators, never values.
      expect(String(span.attributes['db.query.text'])).toMatch(/"\?"/);
    }
    // The upstream call: a client span of the population subgraph, whose traceparent the upstream received (subgraph → upstream).
    const call = spans.find((span) => span.service === 'dvc-population' && span.scope === '@opentelemetry/instrumentation-undici');
    expect(call?.attributes['url.full']).toBe(`${upstream.url}/v1/extract/batch`);
    const extract = upstream.calls.find((c) => c.path === '/v1/extract/batch');
    expect(extract?.headers.traceparent).toBe(`00-${traceId}-${call?.spanId}-01`);

    // No personal data anywhere in the export: not the ID, the name, the date of birth, nor any 12-digit number; nor who called from where.
    expect(all.flatMap((span) => Object.keys(span.attributes)).filter((key) => /client_ip|client\.address|user_agent/.test(key))).toEqual([]);
    const texts = all.flatMap((span) => span.texts);
    expect(texts.length).toBeGreaterThan(50);
    for (const text of texts) {
      expect(text).not.toContain(id);
      expect(text).not.toContain(citizen.fullName);
      expect(text).not.toContain(citizen.dateOfBirth);
      expect(text).not.toMatch(TWELVE_DIGITS);
      expect(text).not.toContain(CALLER_AGENT);
    }
  });

  it('stop the process with one line naming a malformed setting', async () => {
    const gateway = spawnGateway({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' });
    expect(await gateway.exited).toBe(2);
    expect(gateway.logs().trim()).toBe('Invalid configuration: OTEL_EXPORTER_OTLP_PROTOCOL must be http/protobuf or http/json (OTLP over HTTP), got "grpc"');
  });

  it('are off without an endpoint: no OpenTelemetry module is even loaded', async () => {
    // A preload that reports, at exit, which OpenTelemetry modules the process loaded.
    const probe = join(tmpdir(), `otel-probe-${process.pid}.js`);
    // (prom-client loads @opentelemetry/api for its exemplars: the API alone, a no-op without an SDK.)
    writeFileSync(
      probe,
      `process.on('exit', () => {
        const packages = [...new Set(Object.keys(require.cache).map((file) => /node_modules[\\\\/](@opentelemetry[\\\\/][^\\\\/]+|@graphql-hive[\\\\/]plugin-opentelemetry)/.exec(file)?.[1]).filter(Boolean))];
        const api = Object.keys(require.cache).find((file) => /@opentelemetry[\\\\/]api[\\\\/]build[\\\\/]src[\\\\/]index\\.js$/.test(file));
        const provider = api ? require.cache[api].exports.trace.getTracerProvider().getDelegate().constructor.name : 'none';
        process.stderr.write('\\nopentelemetry: ' + JSON.stringify({ packages, provider }) + '\\n');
      });\n`,
    );
    const databaseName = `untraced_${Date.now()}`;
    const gateway = spawnGateway({ MONGODB_URI: testDatabaseUri(), MONGODB_DB: databaseName }, ['--require', probe, MAIN]);
    try {
      const url = await waitForReady(gateway);
      expect(
        (
          await fetch(`${url}/graphql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ query: '{ directive(id: "406/qd-ttg") { id } }' }),
          })
        ).status,
      ).toBe(200);
    } finally {
      gateway.child.kill('SIGTERM');
    }
    expect(await gateway.exited).toBe(0);
    const loaded = JSON.parse(/\nopentelemetry: (.*)\n/.exec(gateway.logs())?.[1] ?? 'null') as { packages: string[]; provider: string };
    expect(loaded.packages.filter((name) => name !== '@opentelemetry/api')).toEqual([]);
    expect(['none', 'NoopTracerProvider']).toContain(loaded.provider);
    const client = new MongoClient(testDatabaseUri());
    await client.db(databaseName).dropDatabase();
    await client.close();
  });
});
