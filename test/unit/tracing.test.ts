import { context, trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ConfigError } from '../../src/platform/config';
import { withComponent } from '../../src/platform/tracing/component';
import { ComponentProcessor, ScrubbingExporter } from '../../src/platform/tracing/sdk';
import { readTracingConfig } from '../../src/platform/tracing/config';
import { documentShape, scrubAttributes, scrubText, urlWithoutQuery } from '../../src/platform/tracing/scrub';

const CITIZEN_ID = '001203004567';

describe('tracing settings', () => {
  it('are off without an OTLP endpoint', () => {
    expect(readTracingConfig({})).toBeUndefined();
    expect(readTracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: '  ' })).toBeUndefined();
  });

  it('send to <endpoint>/v1/traces as protobuf by default, or to the traces endpoint as given', () => {
    expect(readTracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' })).toEqual({
      url: 'http://collector:4318/v1/traces',
      protocol: 'http/protobuf',
      headers: {},
      serviceName: undefined,
      sampler: 'parentbased_always_on',
      ratio: 1,
    });
    expect(
      readTracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://b/otlp/traces', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }),
    ).toMatchObject({ url: 'https://b/otlp/traces', protocol: 'http/json' });
    expect(
      readTracingConfig({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318',
        OTEL_EXPORTER_OTLP_HEADERS: 'Authorization=Bearer%20abc,x-tenant=gov',
        OTEL_SERVICE_NAME: 'dvc',
        OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
        OTEL_TRACES_SAMPLER_ARG: '0.25',
      }),
    ).toMatchObject({
      headers: { authorization: 'Bearer abc', 'x-tenant': 'gov' },
      serviceName: 'dvc',
      sampler: 'parentbased_traceidratio',
      ratio: 0.25,
    });
  });

  it('refuse what they cannot do, naming the variable', () => {
    const refused = (env: Record<string, string>) => {
      try {
        readTracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', ...env });
      } catch (error) {
        return error instanceof ConfigError ? error.variable : String(error);
      }
      return 'accepted';
    };
    expect(refused({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toBe('OTEL_EXPORTER_OTLP_PROTOCOL');
    expect(refused({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toBe('OTEL_EXPORTER_OTLP_ENDPOINT');
    expect(refused({ OTEL_EXPORTER_OTLP_HEADERS: 'no-equals-sign' })).toBe('OTEL_EXPORTER_OTLP_HEADERS');
    expect(refused({ OTEL_TRACES_SAMPLER: 'sometimes' })).toBe('OTEL_TRACES_SAMPLER');
    expect(refused({ OTEL_TRACES_SAMPLER_ARG: '2' })).toBe('OTEL_TRACES_SAMPLER_ARG');
  });
});

describe('what a span may carry', () => {
  it('never a 12-digit number, nor the value a GraphQL error quotes', () => {
    expect(scrubText(`lookup ${CITIZEN_ID} failed`)).toBe('lookup [12 digits] failed');
    expect(scrubText('1234567890123 is 13 digits')).toBe('1234567890123 is 13 digits');
    expect(scrubText('Variable "$name" got invalid value { first: "Nguyễn Văn A" }; String cannot represent a non string value')).toBe(
      'Variable "$name" got invalid value [value]; String cannot represent a non string value',
    );
    expect(scrubText('Expected value of type "Date!", found "1990-02-30"; not a calendar day')).toBe('Expected value of type "Date!", found [value]; not a calendar day');
    expect(scrubText('ID cannot represent value: { id: "x" }')).toBe('ID cannot represent value: [value]');
  });

  it('the operation with its literals blanked: what was asked, not about whom', () => {
    const document = `query Lookup($purpose: LookupPurpose!) { citizen(id: "${CITIZEN_ID}", purpose: $purpose) { fullName } verifyCitizen(id: "x", fullName: "Nguyễn Văn A", dateOfBirth: "1990-01-02", limit: 5, ratio: 1.5, purpose: IDENTITY) { result } }`;
    const shape = documentShape(document);
    expect(shape).toContain('citizen(id: "", purpose: $purpose)');
    expect(shape.replace(/\s+/g, ' ')).toContain('verifyCitizen( id: "" fullName: "" dateOfBirth: "" limit: 0 ratio: 0 purpose: IDENTITY )');
    expect(shape).not.toMatch(/Nguy|1990|\d{12}/);
    expect(documentShape('{ citizen(id: "123456789012"')).toBe('[a document that does not parse]');
  });

  it('URLs without their query string, where GET requests carry variables', () => {
    expect(urlWithoutQuery(`http://gw/graphql?query=%7B%7D&variables=%7B%22id%22%3A%22${CITIZEN_ID}%22%7D`)).toBe('http://gw/graphql');
    expect(urlWithoutQuery(`http://gw/citizens/${CITIZEN_ID}#x`)).toBe('http://gw/citizens/[12 digits]');
  });

  it('attributes scrubbed by what they hold, and some never at all', () => {
    const scrubbed = scrubAttributes({
      'graphql.document': `{ citizen(id: "${CITIZEN_ID}") { id } }`,
      'http.url': 'http://gw/graphql?variables=x',
      'url.query': 'variables=x',
      'graphql.schema': 'type Query { ... }',
      'gateway.cache.key': 'k',
      'http.client_ip': '203.0.113.7',
      'client.address': '203.0.113.7',
      'http.user_agent': 'Mozilla/5.0',
      'user_agent.original': 'Mozilla/5.0',
      'exception.message': `not found: ${CITIZEN_ID}`,
      'hive.gateway.operation.subgraph.names': ['catalogue', CITIZEN_ID],
      'http.status_code': 200,
      'hive.upstream': true,
      absent: undefined,
    });
    expect(scrubbed).toEqual({
      'graphql.document': '{\n  citizen(id: "") {\n    id\n  }\n}',
      'http.url': 'http://gw/graphql',
      'exception.message': 'not found: [12 digits]',
      'hive.gateway.operation.subgraph.names': ['catalogue', '[12 digits]'],
      'http.status_code': 200,
      'hive.upstream': true,
    });
  });
});

describe('the export', () => {
  it('scrubs every span and gives it its component’s service, keeping what the OTLP encoding reads', async () => {
    const memory = new InMemorySpanExporter();
    const components = new ComponentProcessor('gateway');
    // Few attributes allowed: the component must survive a span that has used them all.
    const provider = new BasicTracerProvider({
      spanProcessors: [components, new SimpleSpanProcessor(new ScrubbingExporter(memory, undefined, components))],
      spanLimits: { attributeCountLimit: 3 },
    });
    const tracer = provider.getTracer('test');
    const gatewaySpan = tracer.startSpan(`lookup ${CITIZEN_ID}`, { attributes: { 'graphql.document': `{ citizen(id: "${CITIZEN_ID}") { id } }` } });
    gatewaySpan.setStatus({ code: 2, message: `no citizen ${CITIZEN_ID}` });
    gatewaySpan.addEvent('exception', { 'exception.message': `Variable "$id" got invalid value "${CITIZEN_ID}x"; bad` });
    gatewaySpan.end();
    const catalogueSpan = tracer.startSpan('find provinces', { attributes: { a: 1, b: 2, c: 3, d: 4 } }, withComponent(trace.setSpan(context.active(), gatewaySpan), 'catalogue'));
    catalogueSpan.end();
    await provider.forceFlush();
    const [gateway, catalogue] = memory.getFinishedSpans();
    expect(gateway?.name).toBe('lookup [12 digits]');
    expect(gateway?.attributes['graphql.document']).toBe('{\n  citizen(id: "") {\n    id\n  }\n}');
    expect(gateway?.status.message).toBe('no citizen [12 digits]');
    expect(gateway?.events[0]?.attributes).toEqual({ 'exception.message': 'Variable "$id" got invalid value [value]; bad' });
    expect(gateway?.resource.attributes['service.name']).toBe('dvc-gateway');
    expect(catalogue?.resource.attributes['service.name']).toBe('dvc-catalogue');
    expect(catalogue?.parentSpanContext?.spanId).toBe(gateway?.spanContext().spanId);
    // Getters of the SDK's spans, which a copy must carry over.
    expect(catalogue?.droppedAttributesCount).toBe(2); // d, and the component attribute
    expect(catalogue?.ended).toBe(true);
    expect(catalogue?.duration).toEqual(expect.any(Array));
    await provider.shutdown();
  });
});
