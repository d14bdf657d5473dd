/**
 * The benchmark's REST floor (bench/): for each catalogue operation of
 * bench/operations.ts, a hand-written route that answers with JSON deep-equal
 * to that GraphQL operation's `data` (same keys, aliases, order and nulls),
 * with the fewest database round trips: each level of the response is fetched
 * once for the whole response, and independent queries run in parallel. The
 * catalogue's own functions (listServices, listMilestones, milestoneBreakdown,
 * search, findProvince) are reused as they are, with their filters, pages and
 * cursors: the floor skips GraphQL execution, it does not re-implement the catalogue.
 *
 * Database commands per route on the curated data ("a ∥ b" run in parallel;
 * levels are sequential round trips):
 *
 *   GET /rest/directive?id=406%2FQ%C4%90-TTg                          4 commands, 3 levels
 *       directive by idKey → its milestones → (lead agencies + issuer, one $in) ∥ (phases, parentId $in)
 *   GET /rest/service-list?directiveId=…&first=20                     5 commands, 4 levels
 *       listServices (directive by idKey → distinct serviceId → page) → totalCount ∥ the page's directives
 *   GET /rest/service-timeline?id=svc-406-37                          4 commands, 2 levels
 *       service ∥ its timeline → directives ∥ (lead agencies + the agencies that carry them today, one $in)
 *       (+1 level for each step of a 2025 succession chain not covered by `leadAgencyTodayIds`; none on the curated data)
 *   GET /rest/province-dashboard?code=91&first=20                     7 commands, 3 levels
 *       findProvince → formedFrom  ∥  listMilestones (provinces → page → totalCount)  ∥  milestoneBreakdown (provinces → aggregate)
 *   GET /rest/breakdown                                               3 commands, 2 levels
 *       (aggregate by LEAD_AGENCY_TODAY ∥ aggregate by STATUS) → the agencies' names (labels)
 *   GET /rest/search?text=dang+ky+ket+hon                             4 commands, 1 level
 *       services ∥ directives ∥ agencies ∥ provinces
 *
 * An unknown directive or service answers 200 `{ "directive": null }` /
 * `{ "service": null }` as GraphQL does, after the first level (1 and 2 commands). Missing or
 * invalid parameters answer 400 `{ error: { code: 'BAD_USER_INPUT', message } }`;
 * a database failure 503 `{ error: { code: 'DATABASE_UNAVAILABLE', message } }`.
 * `province-dashboard` takes only `code`: the operation's `provinces` variable is `[code]`.
 */
import express, { type Request, type Response } from 'express';
import { GraphQLError } from 'graphql';
import { MongoError, type Collection } from 'mongodb';
import { milestoneBreakdown, type BreakdownRow } from '../src/catalogue/breakdown';
import { findProvince, listMilestones, listServices } from '../src/catalogue/lists';
import { search, type SearchNode } from '../src/catalogue/search';
import type { Collections } from '../src/db/collections';
import type { AgencyDocument, DueDate, MilestoneDocument } from '../src/db/documents';
import { matchAny, READ_WHOLE } from '../src/db/queries';
import { IN_DOCUMENT_ORDER } from '../src/loaders';
import { MAX_PAGE_SIZE } from '../src/db/paginate';
import { BadUserInputError, DatabaseUnavailableError, ErrorCode } from '../src/errors';
import { directiveIdKey } from '../src/search/fold';

/** The bench operations ask for 10 search hits (`search(text: $text, first: 10)`). */
const SEARCH_HITS = 10;

// ---------------------------------------------------------------------------
// Parameters: only plain strings ever reach a filter (Express's parser can give arrays or objects).

function stringParam(req: Request, name: string): string {
  const value: unknown = req.query[name];
  if (value === undefined || value === '') throw new BadUserInputError(`The query parameter \`${name}\` is required.`, name);
  if (typeof value !== 'string') throw new BadUserInputError(`The query parameter \`${name}\` must be given once, as a plain string.`, name);
  return value;
}

/** A GraphQL `Int!`; the range (0..100) is checked where the page is cut (src/db/paginate). */
function intParam(req: Request, name: string): number {
  const value = stringParam(req, name);
  if (!/^-?\d{1,10}$/.test(value)) throw new BadUserInputError(`The query parameter \`${name}\` must be an integer, got "${value}".`, name);
  return Number(value);
}

// ---------------------------------------------------------------------------
// Fetching a level at once.

/** Documents by `_id`, keyed by id: nothing for no ids, equality for one (FerretDB answers it from its primary key), `$in` for more. */
async function byIds<T extends { _id: string }>(collection: Collection<T>, ids: Iterable<string>): Promise<Map<string, T>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const filter = matchAny<T>('_id', unique);
  const found = (await collection.find(filter, READ_WHOLE).toArray()) as T[];
  return new Map(found.map((doc) => [doc._id, doc]));
}

/** Referenced documents in reference order, missing ones left out (resolvers/load.ts `loadAll`). */
function pick<T>(found: Map<string, T>, ids: readonly string[]): T[] {
  return ids.map((id) => found.get(id)).filter((doc): doc is T => doc !== undefined);
}

/** Documents grouped by a reference, in the order they were found. */
function groupBy<T>(docs: T[], key: (doc: T) => string | null): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const doc of docs) {
    const value = key(doc);
    if (value !== null) groups.set(value, [...(groups.get(value) ?? []), doc]);
  }
  return groups;
}

/** A reference the seed loader guarantees (resolvers/load.ts `required`). */
function required<T>(value: T | undefined, id: string): T {
  if (value === undefined) throw new Error(`dangling reference to ${id}`);
  return value;
}

// ---------------------------------------------------------------------------
// Shapes, in the operations' selection order.

const named = (a: { _id: string; name: string }) => ({ id: a._id, name: a.name });
const dueFull = (due: DueDate | null) => (due ? { text: due.text, start: due.start, end: due.end } : null);
const dueText = (due: DueDate | null) => (due ? { text: due.text } : null);

/**
 * The bodies that carry an agency's work today (resolvers/Agency.ts
 * `currentAgencies`): itself if it still exists, else transitively its
 * successors, each once. `seen` is shared by the whole walk as in the resolver,
 * whose sibling calls run level by level; so does this walk.
 */
function currentAgencies(agency: AgencyDocument, agencies: Map<string, AgencyDocument>): AgencyDocument[] {
  interface Node {
    agency: AgencyDocument;
    successors?: Node[];
  }
  const seen = new Set<string>();
  const root: Node = { agency };
  for (let level = [root]; level.length > 0;) {
    const next: Node[] = [];
    for (const node of level) {
      const a = node.agency;
      if (!a.dissolvedOn || a.successors.length === 0 || seen.has(a._id)) continue;
      seen.add(a._id);
      node.successors = pick(
        agencies,
        a.successors.map((s) => s.agencyId),
      ).map((s) => ({ agency: s }));
      next.push(...node.successors);
    }
    level = next;
  }
  const leaves = (node: Node): AgencyDocument[] => (node.successors ? node.successors.flatMap(leaves) : [node.agency]);
  return [...new Map(leaves(root).map((a) => [a._id, a])).values()];
}

/** Agencies reachable from `ids` through the successions of dissolved ones, fetched one level per round trip, starting from what `known` holds. */
async function withSuccessors(db: Collections, ids: string[], known: Map<string, AgencyDocument>, asked: Set<string>): Promise<Map<string, AgencyDocument>> {
  for (;;) {
    const missing = new Set<string>();
    const visited = new Set<string>();
    const visit = (id: string): void => {
      if (visited.has(id)) return;
      visited.add(id);
      const agency = known.get(id);
      if (!agency) {
        if (!asked.has(id)) missing.add(id);
        return;
      }
      if (agency.dissolvedOn) for (const s of agency.successors) visit(s.agencyId);
    };
    ids.forEach(visit);
    if (missing.size === 0) return known;
    for (const id of missing) asked.add(id);
    for (const [id, agency] of await byIds(db.agencies, missing)) known.set(id, agency);
  }
}

/** The union member a search hit is (resolvers/Search.ts `SearchResult.__resolveType`) and its fields in the operation. */
function searchNode(node: SearchNode) {
  if ('idKey' in node) return { __typename: 'Directive', id: node._id, title: node.title };
  if ('era' in node) return { __typename: 'Province', id: node._id, name: node.name, era: node.era };
  if ('aliases' in node) return { __typename: 'Agency', id: node._id, name: node.name };
  return { __typename: 'Service', id: node._id, name: node.name };
}

// ---------------------------------------------------------------------------
// The routes.

async function directive(db: Collections, req: Request) {
  const found = await db.directives.findOne({ idKey: directiveIdKey(stringParam(req, 'id')) });
  if (!found) return { directive: null };
  const milestones = await db.milestones.find({ directiveId: found._id }, READ_WHOLE).sort(IN_DOCUMENT_ORDER).toArray();
  const ids = milestones.map((m) => m._id);
  const [agencies, phases] = await Promise.all([
    byIds(db.agencies, [...(found.issuerAgencyId ? [found.issuerAgencyId] : []), ...milestones.flatMap((m) => m.leadAgencyIds)]),
    ids.length === 0 ? [] : db.milestones.find(matchAny<MilestoneDocument>('parentId', ids), READ_WHOLE).sort(IN_DOCUMENT_ORDER).toArray(),
  ]);
  const phasesOf = groupBy(phases, (p) => p.parentId);
  const issuer = found.issuerAgencyId ? agencies.get(found.issuerAgencyId) : undefined;
  return {
    directive: {
      id: found._id,
      kind: found.kind,
      title: found.title,
      date: found.date ?? null,
      issuer: issuer ? named(issuer) : null,
      milestones: milestones.map((m) => ({
        id: m._id,
        item: m.item,
        nameAsPrinted: m.nameAsPrinted,
        level: m.level ?? null,
        leadAgencies: pick(agencies, m.leadAgencyIds).map(named),
        due: dueFull(m.due ?? null),
        phases: (phasesOf.get(m._id) ?? []).map((p) => ({ id: p._id, item: p.item, due: dueText(p.due ?? null) })),
      })),
    },
  };
}

async function serviceList(db: Collections, req: Request) {
  const directiveId = stringParam(req, 'directiveId');
  const first = intParam(req, 'first');
  const page = await listServices(db, { milestones: { directiveIds: [directiveId] } }, null, { first, max: MAX_PAGE_SIZE });
  const [totalCount, directives] = await Promise.all([
    page.count(),
    byIds(
      db.directives,
      page.nodes.flatMap((s) => s.directiveIds),
    ),
  ]);
  return {
    services: {
      totalCount,
      pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.cursors[page.cursors.length - 1] ?? null },
      nodes: page.nodes.map((s) => ({
        id: s._id,
        name: s.name,
        directives: pick(directives, s.directiveIds).map((d) => ({ id: d._id, title: d.title, date: d.date ?? null })),
      })),
    },
  };
}

async function serviceTimeline(db: Collections, req: Request) {
  const id = stringParam(req, 'id');
  // The timeline needs only the id, so it is asked for alongside the service; unknown services waste that one query.
  const [service, timeline] = await Promise.all([db.services.findOne({ _id: id }), db.milestones.find({ serviceId: id }, READ_WHOLE).sort(IN_DOCUMENT_ORDER).toArray()]);
  if (!service) return { service: null };
  const leadIds = timeline.flatMap((m) => m.leadAgencyIds);
  // The agencies that carry the leads' work today are stored on each row (leadAgencyTodayIds), so they come in the
  // same query as the leads; any step of a succession chain they do not cover costs one more round trip.
  const asked = new Set([...leadIds, ...timeline.flatMap((m) => m.leadAgencyTodayIds ?? [])]);
  const [directives, agencies] = await Promise.all([
    byIds(
      db.directives,
      timeline.map((m) => m.directiveId),
    ),
    byIds(db.agencies, asked).then((found) => withSuccessors(db, leadIds, found, asked)),
  ]);
  return {
    service: {
      id: service._id,
      name: service.name,
      timeline: timeline.map((m) => {
        const d = required(directives.get(m.directiveId), m.directiveId);
        return {
          id: m._id,
          directive: { id: d._id, date: d.date ?? null },
          leadAgencies: pick(agencies, m.leadAgencyIds).map((a) => ({ ...named(a), currentAgencies: currentAgencies(a, agencies).map(named) })),
          due: dueText(m.due ?? null),
          carriedOver: m.carriedOver,
          status: m.status ? { asOf: m.status.asOf, state: m.status.state, text: m.status.text } : null,
        };
      }),
    },
  };
}

async function provinceDashboard(db: Collections, req: Request) {
  const code = stringParam(req, 'code');
  const first = intParam(req, 'first');
  const provinces = [code];
  const [province, done, byStatus] = await Promise.all([
    findProvince(db, code, null).then(async (p) => (p ? { province: p, formedFrom: await byIds(db.provinces, p.formedFromIds) } : null)),
    listMilestones(db, { provinces, states: ['DONE'] }, null, { first, max: MAX_PAGE_SIZE }).then(async (page) => ({ page, totalCount: await page.count() })),
    milestoneBreakdown(db, 'STATUS', { provinces }),
  ]);
  return {
    province: province ? { id: province.province._id, name: province.province.name, formedFrom: pick(province.formedFrom, province.province.formedFromIds).map(named) } : null,
    done: {
      totalCount: done.totalCount,
      nodes: done.page.nodes.map((m: MilestoneDocument) => ({ id: m._id, nameAsPrinted: m.nameAsPrinted, status: m.status ? { asOf: m.status.asOf } : null })),
    },
    byStatus: byStatus.map((row) => ({ key: row.key, count: row.count })),
  };
}

async function breakdown(db: Collections) {
  const [byLeadAgency, byStatus] = await Promise.all([milestoneBreakdown(db, 'LEAD_AGENCY_TODAY', null), milestoneBreakdown(db, 'STATUS', null)]);
  const agencies = await byIds(
    db.agencies,
    byLeadAgency.flatMap((row) => (row.key === null ? [] : [row.key])),
  );
  // Labels as resolvers/Search.ts `BreakdownBucket.label` gives them: an agency's name for agency keys, null for STATUS.
  const bucket = (row: BreakdownRow, label: string | null) => ({ key: row.key, label, count: row.count });
  return {
    byLeadAgency: byLeadAgency.map((row) => bucket(row, row.key === null ? null : (agencies.get(row.key)?.name ?? null))),
    byStatus: byStatus.map((row) => bucket(row, null)),
  };
}

async function searchRoute(db: Collections, req: Request) {
  const hits = await search(db, stringParam(req, 'text'), SEARCH_HITS);
  return { search: hits.map((hit) => ({ score: hit.score, node: searchNode(hit.node) })) };
}

// ---------------------------------------------------------------------------

type Handler = (db: Collections, req: Request) => Promise<unknown>;

function respond(db: Collections, handler: Handler) {
  return async (req: Request, res: Response): Promise<void> => {
    try {
      res.json(await handler(db, req));
    } catch (error) {
      if (error instanceof GraphQLError && error.extensions.code === ErrorCode.BAD_USER_INPUT) {
        res.status(400).json({ error: { code: ErrorCode.BAD_USER_INPUT, message: error.message } });
      } else if (error instanceof MongoError) {
        res.status(503).json({ error: { code: ErrorCode.DATABASE_UNAVAILABLE, message: new DatabaseUnavailableError().message } });
      } else {
        res.status(500).json({ error: { code: ErrorCode.INTERNAL_SERVER_ERROR, message: 'Internal server error' } });
      }
    }
  };
}

/** The REST floor's routes, `GET /rest/<operation name>?<variables>`, over the given catalogue. */
export function createRestFloor(db: Collections): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.get('/rest/directive', respond(db, directive));
  app.get('/rest/service-list', respond(db, serviceList));
  app.get('/rest/service-timeline', respond(db, serviceTimeline));
  app.get('/rest/province-dashboard', respond(db, provinceDashboard));
  app.get(
    '/rest/breakdown',
    respond(db, (d) => breakdown(d)),
  );
  app.get('/rest/search', respond(db, searchRoute));
  app.use('/rest', (_req, res) => {
    res.status(404).json({ error: { code: 'NOT_FOUND', message: 'No such REST floor route; see bench/rest-floor.ts.' } });
  });
  return app;
}
