import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { GraphQLError } from 'graphql';
import { MongoNetworkError } from 'mongodb';
import { markAbandoned, maskGatewayError } from '../../src/gateway/edge/errors';
import { ERROR_CODES } from '../../src/platform/errors';
import { createLogger, maskCitizenIdShapes } from '../../src/platform/logger';
import { projectPath } from '../../src/platform/paths';
import { formatSubgraphError } from '../../src/platform/subgraph/format-error';

const codes = Object.keys(ERROR_CODES);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === '__generated__' ? [] : sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

describe('the registry of error codes', () => {
  it('is the README’s table, both ways', () => {
    const readme = readFileSync(projectPath('README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Errors'), readme.indexOf('\n## ', readme.indexOf('## Errors') + 1));
    // A row may name several codes: | `A`, `B` | ...
    const documented = [...section.matchAll(/^\| (`[A-Z_]+`(?:, `[A-Z_]+`)*) \|/gm)].flatMap((match) => [...(match[1] ?? '').matchAll(/`([A-Z_]+)`/g)].map((code) => code[1]));
    expect([...documented].sort()).toEqual([...codes].sort());
  });

  it('is the only place a code is spelled: src/ and resolvers/ use ErrorCode.X', () => {
    // Other vocabularies share some words (the stub's own API codes, audit outcomes): only a code given or compared as a code counts.
    const literal = new RegExp(`code['"\\]]*\\s*(:|===|!==)\\s*['"\`](${codes.join('|')})['"\`]`);
    expect(literal.test("extensions: { code: 'BAD_USER_INPUT' }")).toBe(true);
    expect(literal.test("sendError(res, 429, 'RATE_LIMITED', message)")).toBe(false);
    const offenders = [...sourceFiles(projectPath('src')), ...sourceFiles(projectPath('resolvers'))]
      .filter((file) => !file.endsWith(join('platform', 'errors.ts')))
      .filter((file) => literal.test(readFileSync(file, 'utf8')));
    expect(offenders).toEqual([]);
  });
});

describe('what a client sees of an error', () => {
  const lines: string[] = [];
  const log = createLogger('debug', {}, (line) => lines.push(line));
  beforeEach(() => void (lines.length = 0));

  it('passes our codes as they are, without what the engine attached (the subgraph request and its variables)', () => {
    const error = new GraphQLError('`citizen` needs an API key with one of the roles officer, admin.', {
      extensions: { code: 'FORBIDDEN', serviceName: 'population', request: { body: '{"variables":{"id":"001203004567"}}' } },
    });
    const masked = maskGatewayError(error, log) as GraphQLError;
    expect(masked.extensions).toEqual({ code: 'FORBIDDEN', serviceName: 'population' });
  });

  it('names an unreachable subgraph, and logs neither the request nor its variables', () => {
    const error = new GraphQLError('socket hang up', {
      extensions: { code: 'SUBREQUEST_HTTP_ERROR', serviceName: 'population', request: { body: '{"variables":{"id":"001203004567"}}' } },
    });
    const masked = maskGatewayError(error, log) as GraphQLError;
    expect(masked.extensions).toEqual({ code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'population' });
    expect(masked.message).toMatch(/The population subgraph is unavailable/);
    expect(lines.join('\n')).not.toMatch(/001203004567|variables/);
  });

  it('logs a call the caller’s request abandoned at debug, not as an unavailable subgraph, however the engine wrapped its error', () => {
    const aborted = () => new GraphQLError('This operation was aborted', { extensions: { code: 'SUBREQUEST_HTTP_ERROR', serviceName: 'catalogue' } });
    const call = aborted();
    markAbandoned(call);
    const wrapped = new GraphQLError(call.message, { originalError: call, extensions: call.extensions });
    const masked = maskGatewayError(wrapped, log) as GraphQLError;
    expect(masked.extensions).toEqual({ code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'catalogue' });
    expect(lines.map((line) => JSON.parse(line) as Record<string, unknown>)).toEqual([
      expect.objectContaining({ level: 'debug', message: 'subgraph call abandoned: the caller went away', subgraph: 'catalogue' }),
    ]);
    // The same error from a call nobody abandoned is a subgraph that failed.
    lines.length = 0;
    maskGatewayError(aborted(), log);
    expect(lines.map((line) => JSON.parse(line) as Record<string, unknown>)).toEqual([
      expect.objectContaining({ level: 'warn', message: 'subgraph unavailable', subgraph: 'catalogue', reason: 'SUBREQUEST_HTTP_ERROR' }),
    ]);
  });

  it('gives variables that do not coerce BAD_USER_INPUT, and anything else a generic INTERNAL_SERVER_ERROR', () => {
    expect((maskGatewayError(new GraphQLError('Variable "$first" got invalid value "x"; Int cannot represent non-integer value: "x"'), log) as GraphQLError).extensions.code).toBe(
      'BAD_USER_INPUT',
    );
    const internal = maskGatewayError(new Error('Cannot read properties of undefined'), log) as GraphQLError;
    expect(internal).toMatchObject({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  });

  it('in a subgraph, turns a database outage into DATABASE_UNAVAILABLE and hides internal errors', () => {
    const outage = formatSubgraphError({ message: 'x', path: ['directives'] }, new MongoNetworkError('connect ECONNREFUSED'), () => undefined);
    expect(outage).toMatchObject({ extensions: { code: 'DATABASE_UNAVAILABLE' }, path: ['directives'] });
    const internals: string[] = [];
    const hidden = formatSubgraphError({ message: 'boom at /srv/app', extensions: { stacktrace: ['...'] } }, new TypeError('boom at /srv/app'), (description) =>
      internals.push(description),
    );
    expect(hidden).toEqual({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    expect(internals).toEqual(['TypeError: boom at /srv/app']);
  });
});

describe('logs', () => {
  it('never carry a 12-digit number (the shape of a citizen ID), whatever put it there', () => {
    const lines: string[] = [];
    createLogger('debug', {}, (line) => lines.push(line)).warn('lookup failed for 001203004567', { detail: 'ids 001203004567,0012030045678' });
    expect(lines[0]).not.toContain('001203004567"');
    expect(lines[0]).toContain('[12 digits]');
    expect(lines[0]).toContain('0012030045678');
  });

  it('keep identifiers of our own whole, even where 12 digits run inside them', () => {
    const lines: string[] = [];
    const log = createLogger('debug', {}, (line) => lines.push(line));
    // A key id is 16 hex digits; a request id a UUID, whose last group can be all digits.
    log.info('graphql request', { keyId: 'k_629b005874249559', requestId: '3c901777-a75b-410f-8c07-033901777123', path: '/citizens/001203004567' });
    const logged = JSON.parse(lines[0] ?? '{}') as Record<string, string>;
    expect(logged.keyId).toBe('k_629b005874249559');
    expect(logged.requestId).toBe('3c901777-a75b-410f-8c07-033901777123');
    expect(logged.path).toBe('/citizens/[12 digits]');
    expect(maskCitizenIdShapes('"001203004567" id_001203004567 k_001203004567ab')).toBe('"[12 digits]" id_[12 digits] k_001203004567ab');
  });
});
