import { CATALOGUE_INDEXES, ensureCatalogueIndexes, OBSOLETE_CATALOGUE_INDEXES } from '../../src/subgraphs/catalogue/collections';
import { readRecordedShapes } from '../../src/platform/db/command-recorder';
import { describeShape } from '../../src/platform/db/command-shape';
import { openTestDatabase, type TestDatabase } from '../support/database';
import { RECORDING_FILE } from '../support/index-coverage';
import { startTestStack } from '../support/stack';

/** The index list the coverage check reads is the list the database gets. */
describe('catalogue indexes', () => {
  jest.setTimeout(60_000);
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase('indexes');
  });
  afterAll(async () => {
    await database.drop();
  });

  it('are created from CATALOGUE_INDEXES, name for name and key for key, and the obsolete ones are dropped', async () => {
    // An index an earlier version created under a name now obsolete.
    await database.collections.milestones.createIndex({ directiveId: 1, order: 1 }, { name: 'directive_order' });
    await ensureCatalogueIndexes(database.collections);
    await ensureCatalogueIndexes(database.collections); // idempotent
    for (const collection of ['directives', 'milestones', 'services', 'agencies', 'provinces'] as const) {
      const created = (await database.collections[collection].listIndexes().toArray()).filter((index) => index.name !== '_id_');
      const declared = CATALOGUE_INDEXES.filter((index) => index.collection === collection);
      expect(created.map((index) => ({ name: index.name, keys: Object.entries(index.key as Record<string, number>) })).sort((a, b) => a.name.localeCompare(b.name))).toEqual(
        declared.map((index) => ({ name: index.name, keys: Object.entries(index.keys) })).sort((a, b) => a.name.localeCompare(b.name)),
      );
      for (const obsolete of OBSOLETE_CATALOGUE_INDEXES.filter((index) => index.collection === collection)) expect(created.map((index) => index.name)).not.toContain(obsolete.name);
    }
  });

  it('record every read the catalogue subgraph sends, as a shape without values, for the check after the suite', async () => {
    const t = await startTestStack();
    try {
      const marker = `zq${Date.now()}`;
      const { status } = await t.graphql('query ($text: String!) { services(filter: { text: $text }, orderBy: FIRST_DOCUMENT_DATE) { nodes { id } } }', { text: marker });
      expect(status).toBe(200);
      const recorded = readRecordedShapes(RECORDING_FILE)
        .filter((shape) => shape.component === 'catalogue')
        .map(describeShape);
      expect(recorded).toContain('services.find({"$and":[{"searchText":{"$regex":"/?/"}}]}).sort({"firstDate":1,"_id":1}).limit(n)');
      expect(JSON.stringify(recorded)).not.toContain(marker);
    } finally {
      await t.close();
    }
  });
});
