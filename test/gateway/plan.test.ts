import type { IncomingMessage } from 'node:http';
import type { CommandStartedEvent } from 'mongodb';
import { findIds } from '../../src/stubs/population/generator';
import { bearer, startTestStack, type TestStack } from '../support/stack';

/**
 * Issue #12 item 6: the plan is as frugal as the resolvers alone — one fetch per subgraph per
 * nesting level, entity batches in one `_entities` call, one database command per list level.
 * Counted at the subgraphs' HTTP servers and at the catalogue's MongoDB client.
 */
describe('the query plan', () => {
  let t: TestStack;
  let officer = '';
  const received: Record<'catalogue' | 'population', string[]> = { catalogue: [], population: [] };
  const commands: string[] = [];
  const onCommand = (event: CommandStartedEvent): void => void commands.push(`${event.commandName} ${String(event.command[event.commandName])}`);

  const record = (bodies: string[]) => (request: IncomingMessage) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => bodies.push(body));
  };
  const counted = async (query: string, variables?: Record<string, unknown>, headers?: Record<string, string>) => {
    received.catalogue.length = 0;
    received.population.length = 0;
    commands.length = 0;
    const response = await t.graphql(query, variables, headers);
    expect(response.body.errors).toBeUndefined();
    return response.body.data;
  };

  beforeAll(async () => {
    t = await startTestStack();
    officer = await t.key('officer');
    t.stack.catalogue.http.server.prependListener('request', record(received.catalogue));
    t.stack.population.http.server.prependListener('request', record(received.population));
    t.stack.catalogue.database.client.on('commandStarted', onCommand);
  });
  afterAll(async () => {
    t.stack.catalogue.database.client.off('commandStarted', onCommand);
    await t.close();
  });

  it('sends a catalogue-only query to the catalogue once, with every entity field of Service in that one request', async () => {
    const data = await counted('{ services(first: 3) { nodes { id directives { id title issuer { name } } names { name directive { id } } timeline { id } } } }');
    expect(data?.services.nodes).toHaveLength(3);
    expect(data?.services.nodes[0].directives.length).toBeGreaterThan(0);
    expect(received.catalogue).toHaveLength(1);
    expect(received.catalogue[0]).not.toContain('_entities');
    expect(received.population).toHaveLength(0);
  });

  it('reads the database once per list level: services, their directives, the directives’ issuers, the timelines', async () => {
    await counted('{ services(first: 3) { nodes { id directives { id issuer { name } } timeline { id } } } }');
    // Service.directives reads the services' directive ids from the service documents; timeline is one milestones read.
    expect(commands.sort()).toEqual(['find agencies', 'find directives', 'find milestones', 'find services']);
  });

  it('joins a citizen to the catalogue with one _entities call per nesting level: population once, catalogue once per level', async () => {
    const [id = ''] = findIds('FOUND', 400, 1);
    const data = await counted(
      'query ($id: ID!) { citizen(id: $id, purpose: RESIDENCE_VERIFICATION) { fullName permanentResidence { province { name } } onlineServicesAtResidence { name directives { id } } } }',
      { id },
      bearer(officer),
    );
    expect(data?.citizen.permanentResidence.province.name).toEqual(expect.any(String));
    expect(Array.isArray(data?.citizen.onlineServicesAtResidence)).toBe(true);
    expect(received.population).toHaveLength(1);
    // Level 1: the citizen's services (the Citizen entity); level 2: the residence's province (a Province entity).
    expect(received.catalogue.map((body) => /\.\.\.on (\w+)/.exec(body)?.[1]).sort()).toEqual(['Citizen', 'Province']);
  });
});
