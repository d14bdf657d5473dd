import { buildSchema, type DocumentNode } from 'graphql';
import type { ExportLimits, OperationLimits } from '../../src/gateway/config';
import { checkPaging, ExportRefused, exportedOperation, parseChecked, planExport, refusePersonalData } from '../../src/gateway/export/plan';
import { ErrorCode } from '../../src/platform/errors';

/** A small schema with the shapes the export cares about: connections, PageInfo, a personal field. */
const schema = buildSchema(`
  type Query { milestones(first: Int, after: String): MilestoneConnection! services(first: Int, after: String): ServiceConnection! citizen(id: ID!): Citizen }
  type PageInfo { hasNextPage: Boolean! hasPreviousPage: Boolean! startCursor: String endCursor: String }
  type MilestoneConnection { nodes: [Milestone!]! edges: [MilestoneEdge!]! pageInfo: PageInfo! }
  type MilestoneEdge { cursor: String! node: Milestone! }
  type Milestone { id: ID! item: String! leadAgencies: [Agency!]! }
  type Agency { id: ID! name: String! }
  type ServiceConnection { nodes: [Service!]! pageInfo: PageInfo! }
  type Service { id: ID! name: String! }
  type Citizen { id: ID! fullName: String }
`);
const PERSONAL = new Set(['Query.citizen', 'Citizen.id', 'Citizen.fullName']);
const LIMITS: OperationLimits = {
  maxDepth: 12,
  maxAliases: 30,
  maxCost: 10_000,
  maxTokens: 3_000,
  maxDirectives: 50,
  maxRepeatedSelections: 10,
  maxBodyBytes: 100_000,
  executionTimeoutMs: 15_000,
};
const EXPORT: ExportLimits = { maxRows: 200_000, timeoutMs: 120_000, maxColumns: 200 };

const PAGED = 'query ($after: String, $first: Int) { milestones(first: $first, after: $after) { nodes { id item } pageInfo { hasNextPage endCursor } } }';

/**
 * What the export does after the engine has accepted its check request (validation and limits,
 * tested over HTTP in test/export-attacks.test.ts), in its order; the refusal's code and message, or "ok".
 */
function check(query: string, variables: Record<string, unknown> = {}, options: { operationName?: string; path?: string } = {}): string {
  try {
    const document: DocumentNode = parseChecked(query, LIMITS);
    const operation = exportedOperation(document, options.operationName);
    refusePersonalData(document, operation, schema, PERSONAL);
    const { plan, field } = planExport(document, operation, (options.path ?? 'milestones').split('.'), EXPORT);
    if (plan.paging) checkPaging(document, operation, schema, field, variables);
    return 'ok';
  } catch (error) {
    if (error instanceof ExportRefused) return `${String(error.extensions.code)}: ${error.message}`;
    throw error;
  }
}

describe('what the export refuses before anything runs', () => {
  it('accepts a paged connection', () => {
    expect(check(PAGED)).toBe('ok');
  });

  it.each([
    ['a syntax error', '{ milestones(', ErrorCode.GRAPHQL_PARSE_FAILED],
    ['too many tokens', `{ milestones { nodes { ${'id '.repeat(3_000)} } } }`, ErrorCode.OPERATION_LIMIT_EXCEEDED],
    ['a mutation', 'mutation { milestones { nodes { id } } }', ErrorCode.BAD_USER_INPUT],
    ['several operations without operationName', `query A { milestones { nodes { id } } } query B { milestones { nodes { item } } }`, ErrorCode.BAD_USER_INPUT],
  ])('refuses %s', (_what, query, code) => {
    expect(check(query)).toMatch(new RegExp(`^${code}: `));
  });

  it('refuses personal fields in the operation or its fragments, and only in what runs', () => {
    expect(check('{ citizen(id: "1") { fullName } }', {}, { path: 'citizen' })).toMatch(/^FORBIDDEN: Personal data cannot be exported: `Query.citizen`/);
    const viaFragment = `query ($after: String, $first: Int) { ...P milestones(first: $first, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } } fragment P on Query { citizen(id: "1") { id } }`;
    expect(check(viaFragment)).toMatch(/^FORBIDDEN: /);
    // Another operation in the same document does not run, so it does not count.
    expect(check(`query Export${PAGED.slice('query '.length)} query Lookup { citizen(id: "1") { id } }`, {}, { operationName: 'Export' })).toBe('ok');
  });
});

describe('the column plan', () => {
  it('reads rows from nodes or edges.node', () => {
    expect(check(PAGED.replace('nodes { id item }', 'edges { node { id leadAgencies { name } } }'))).toBe('ok');
  });

  it('refuses more columns than EXPORT_MAX_COLUMNS', () => {
    const document = parseChecked(PAGED, LIMITS);
    const operation = exportedOperation(document, undefined);
    expect(() => planExport(document, operation, ['milestones'], { ...EXPORT, maxColumns: 1 })).toThrow(/more than 1 columns/);
  });

  it('asks for `after: $after` and `pageInfo { hasNextPage endCursor }` under their own names', () => {
    expect(check(PAGED.replace('after: $after', '').replace('$after: String, ', ''))).toMatch(/pass `after: \$after`/);
    expect(check(PAGED.replace('pageInfo { hasNextPage endCursor }', 'info: pageInfo { hasNextPage endCursor }'))).toMatch(/pass `after: \$after`/);
    expect(check(PAGED.replace('pageInfo { hasNextPage endCursor }', 'pageInfo { hasNextPage } real: pageInfo { endCursor }'))).toMatch(/pass `after: \$after`/);
  });
});

describe('paging: large pages for the exported connection only, and pageInfo as the server wrote it', () => {
  const beside = (extra: string, declarations = '$after: String, $first: Int') =>
    `query (${declarations}) { milestones(first: $first, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } ${extra} }`;

  it.each([
    ['a literal', beside('services(first: 101) { nodes { id } }'), {}],
    ['a variable', beside('services(first: $n) { nodes { id } }', '$after: String, $first: Int, $n: Int'), { n: 5_000 }],
    ["a variable's default", beside('services(first: $n) { nodes { id } }', '$after: String, $first: Int, $n: Int = 5000'), {}],
    ['a fragment', `${beside('...S')} fragment S on Query { services(first: 101) { nodes { id } } }`, {}],
  ])('refuses another connection asking for more than 100 through %s', (_how, query, variables) => {
    expect(check(query, variables)).toMatch(/^BAD_USER_INPUT: Only the exported connection is paged in large pages; `services\(first: (101|5000)\)`/);
  });

  it("refuses the export's $first anywhere else, but not in another operation of the document", () => {
    expect(check(beside('services(first: $first) { nodes { id } }'))).toMatch(/^BAD_USER_INPUT: `\$first` sets the exported connection's page size/);
    const other = 'query Other($first: Int) { services(first: $first) { nodes { id } } }';
    expect(check(`query Export${beside('').slice('query '.length)} ${other}`, {}, { operationName: 'Export' })).toBe('ok');
  });

  it('lets other connections have normal pages, and the exported one any size the export sets', () => {
    expect(check(beside('services(first: $n) { nodes { id } }', '$after: String, $first: Int, $n: Int = 100'))).toBe('ok');
    expect(check(beside('services { nodes { id } }'), { first: 5_000 })).toBe('ok');
  });

  it.each([
    ['hasNextPage: hasPreviousPage', PAGED.replace('pageInfo { hasNextPage endCursor }', 'pageInfo { hasNextPage: hasPreviousPage endCursor }')],
    ['endCursor: startCursor', PAGED.replace('pageInfo { hasNextPage endCursor }', 'pageInfo { hasNextPage endCursor: startCursor }')],
    [
      'an alias inside a fragment on PageInfo',
      `${PAGED.replace('pageInfo { hasNextPage endCursor }', 'pageInfo { hasNextPage endCursor ...I }')} fragment I on PageInfo { more: hasPreviousPage }`,
    ],
  ])('refuses %s under pageInfo', (_how, query) => {
    expect(check(query)).toMatch(/^BAD_USER_INPUT: Fields under `pageInfo` cannot be aliased in an export/);
  });

  it('refuses variables that do not match the operation, before anything runs', () => {
    expect(check(beside('services(first: $n) { nodes { id } }', '$after: String, $first: Int, $n: Int'), { n: 'many' })).toMatch(/^BAD_USER_INPUT: Variable "\$n"/);
  });
});
