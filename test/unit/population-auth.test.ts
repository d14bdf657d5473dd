import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import type { GraphQLFormattedError } from 'graphql';
import { authPlugin, authRules } from '../../src/platform/subgraph/auth';
import { buildSubgraphSchema } from '../../src/platform/subgraph/schema';
import { ANONYMOUS, type Principal, type Role } from '../../src/platform/identity/principal';
import { resolvers } from '../../resolvers/population';
import { populationSdl } from '../../src/subgraphs/population/server';

/** A small schema in the population subgraph's style: one field names its roles, one type does, one field names none. */
const SMALL_SDL = `
  directive @auth(roles: [Role!]!) on FIELD_DEFINITION | OBJECT
  enum Role { PUBLIC ANALYST OFFICER AUDITOR ADMIN }
  type Query {
    declared: String @auth(roles: [OFFICER])
    undeclared: String
    record: Record @auth(roles: [OFFICER, ADMIN])
  }
  type Record @auth(roles: [OFFICER]) {
    name: String
    secret: String @auth(roles: [ADMIN])
  }
  type Orphan { anything: String }
  extend type Orphan @auth(roles: [AUDITOR])
`;

const sorted = (rules: Map<string, ReadonlySet<Role>>): Record<string, Role[]> => Object.fromEntries([...rules].map(([field, roles]) => [field, [...roles].sort()]));

function principal(role: Role): Principal {
  return { ...ANONYMOUS, role, keyId: `k_${role}`, name: role };
}

describe('@auth in a subgraph whose default is deny (personal data)', () => {
  let undeclaredRuns = 0;
  const schema = buildSubgraphSchema(SMALL_SDL, {
    Query: {
      declared: () => 'declared',
      undeclared: () => {
        undeclaredRuns += 1;
        return 'leaked';
      },
      record: () => ({ name: 'Nguyễn Văn An', secret: 'bí mật' }),
    },
  });

  it('gives a field without roles, on itself or its type, to nobody; with allow, to everyone', () => {
    const deny = sorted(authRules(schema, 'deny'));
    expect(deny).toMatchObject({
      'Query.declared': ['officer'],
      'Query.undeclared': [],
      'Query.record': ['admin', 'officer'],
      'Record.name': ['officer'],
      'Record.secret': ['admin'],
      'Orphan.anything': ['auditor'],
      // Composition and entity fetches stay open to the gateway, whatever the default.
      'Query._service': ['admin', 'analyst', 'auditor', 'officer', 'public'],
    });
    expect(sorted(authRules(schema, 'allow'))['Query.undeclared']).toEqual(['admin', 'analyst', 'auditor', 'officer', 'public']);
  });

  it('answers such a field null with FORBIDDEN, without running its resolver, even for an admin', async () => {
    const server = new ApolloServer<{ principal: Principal }>({ schema, plugins: [ApolloServerPluginInlineTraceDisabled(), authPlugin(schema, 'deny')] });
    await server.start();
    try {
      const run = async (role: Role, query: string): Promise<{ data?: Record<string, unknown> | null; errors?: readonly GraphQLFormattedError[] }> => {
        const response = await server.executeOperation({ query }, { contextValue: { principal: principal(role) } });
        if (response.body.kind !== 'single') throw new Error('expected a single result');
        return response.body.singleResult;
      };
      const undeclared = await run('admin', '{ undeclared }');
      expect(undeclared.data).toEqual({ undeclared: null });
      expect(undeclared.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([['FORBIDDEN', '`undeclared` is not readable by anyone: it declares no roles.']]);
      expect(undeclaredRuns).toBe(0);

      const officer = await run('officer', '{ declared record { name secret } }');
      expect(officer.data).toEqual({ declared: 'declared', record: { name: 'Nguyễn Văn An', secret: null } });
      expect(officer.errors?.map((e) => [e.path?.join('.'), e.extensions?.code])).toEqual([['record.secret', 'FORBIDDEN']]);

      const analyst = await run('analyst', '{ declared }');
      expect(analyst.errors?.[0]?.message).toBe('`declared` needs an API key with one of the roles officer.');
    } finally {
      await server.stop();
    }
  });
});

describe('the population subgraph schema', () => {
  const schema = buildSubgraphSchema(populationSdl(), resolvers);
  const rules = sorted(authRules(schema, 'deny'));

  it('gives citizen lookups to officers and admins, the audit trail to auditors and admins', () => {
    expect(rules).toMatchObject({
      'Query.citizen': ['admin', 'officer'],
      'Query.citizens': ['admin', 'officer'],
      'Query.verifyCitizen': ['admin', 'officer'],
      'Query.auditEntries': ['admin', 'auditor'],
      'Citizen.fullName': ['admin', 'officer'],
      'HouseholdHead.id': ['admin', 'officer'],
      'AuditEntry.subjectHash': ['admin', 'auditor'],
    });
  });

  it('names roles for every field it means to serve, so deny-by-default hides nothing by accident', () => {
    const readableByNobody = Object.entries(rules)
      .filter(([, roles]) => roles.length === 0)
      .map(([field]) => field);
    expect(readableByNobody).toEqual([]);
    // No personal field is open to anonymous or analyst callers.
    const tooOpen = Object.entries(rules).filter(
      ([field, roles]) => !field.startsWith('Query._') && field !== '_Service.sdl' && !field.startsWith('PageInfo.') && (roles.includes('public') || roles.includes('analyst')),
    );
    expect(tooOpen).toEqual([]);
  });
});
