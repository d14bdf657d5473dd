import { ConfigError, isHttpUrl, readText, type Env } from '../config';

/** OTLP over HTTP, as protobuf (the OTLP default) or JSON. */
export type OtlpProtocol = 'http/protobuf' | 'http/json';

/** Which traces are recorded: the W3C sampled flag of a caller's `traceparent` is honoured by the parent-based ones. */
export type SamplerName = 'always_on' | 'always_off' | 'traceidratio' | 'parentbased_always_on' | 'parentbased_always_off' | 'parentbased_traceidratio';
const SAMPLERS: readonly SamplerName[] = ['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'];

/** OpenTelemetry tracing, on when an OTLP endpoint is set (the variables are OpenTelemetry's own). */
export interface TracingConfig {
  /** Where spans are sent: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, or OTEL_EXPORTER_OTLP_ENDPOINT + `/v1/traces`. */
  url: string;
  protocol: OtlpProtocol;
  /** OTEL_EXPORTER_OTLP_HEADERS (and _TRACES_HEADERS): `name=value,…`, e.g. an API key of the tracing backend. */
  headers: Record<string, string>;
  /** OTEL_SERVICE_NAME: one service name for every span of the process, instead of one per component. */
  serviceName: string | undefined;
  sampler: SamplerName;
  /** OTEL_TRACES_SAMPLER_ARG: the ratio of the `traceidratio` samplers. */
  ratio: number;
}

function readProtocol(env: Env): OtlpProtocol {
  const name = readText(env, 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL') ? 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL' : 'OTEL_EXPORTER_OTLP_PROTOCOL';
  const value = readText(env, name) ?? 'http/protobuf';
  if (value !== 'http/protobuf' && value !== 'http/json') throw new ConfigError(name, `must be http/protobuf or http/json (OTLP over HTTP), got "${value}"`);
  return value;
}

function readHeaders(env: Env): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of ['OTEL_EXPORTER_OTLP_HEADERS', 'OTEL_EXPORTER_OTLP_TRACES_HEADERS']) {
    for (const pair of (readText(env, name) ?? '').split(',').filter((p) => p.trim())) {
      const at = pair.indexOf('=');
      if (at <= 0) throw new ConfigError(name, 'must be name=value pairs separated by commas');
      headers[decodeURIComponent(pair.slice(0, at).trim()).toLowerCase()] = decodeURIComponent(pair.slice(at + 1).trim());
    }
  }
  return headers;
}

function readSampler(env: Env): { sampler: SamplerName; ratio: number } {
  const sampler = (readText(env, 'OTEL_TRACES_SAMPLER') ?? 'parentbased_always_on') as SamplerName;
  if (!SAMPLERS.includes(sampler)) throw new ConfigError('OTEL_TRACES_SAMPLER', `must be one of ${SAMPLERS.join(', ')}, got "${sampler}"`);
  const raw = readText(env, 'OTEL_TRACES_SAMPLER_ARG');
  const ratio = raw === undefined ? 1 : Number(raw);
  if (!Number.isFinite(ratio) || ratio < 0 || ratio > 1) throw new ConfigError('OTEL_TRACES_SAMPLER_ARG', `must be a ratio between 0 and 1, got "${raw}"`);
  return { sampler, ratio };
}

/** The tracing settings, or undefined when no OTLP endpoint is set: then tracing is off and nothing of OpenTelemetry is loaded. */
export function readTracingConfig(env: Env): TracingConfig | undefined {
  const traces = readText(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
  const base = readText(env, 'OTEL_EXPORTER_OTLP_ENDPOINT');
  if (traces === undefined && base === undefined) return undefined;
  const name = traces !== undefined ? 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT' : 'OTEL_EXPORTER_OTLP_ENDPOINT';
  const url = traces ?? `${(base as string).replace(/\/+$/, '')}/v1/traces`;
  if (!isHttpUrl(url)) throw new ConfigError(name, `must be an http(s) URL of an OTLP/HTTP receiver, got "${traces ?? base}"`);
  return { url, protocol: readProtocol(env), headers: readHeaders(env), serviceName: readText(env, 'OTEL_SERVICE_NAME'), ...readSampler(env) };
}
