import type { Document } from 'mongodb';
import type { CatalogueCollections } from '../collections';
import { readWhole } from '../../../platform/db/queries';
import { milestoneFilter, type MilestoneFilterInput } from './filters';

export type BreakdownDimension =
  'STATUS' | 'LEVEL' | 'LEAD_AGENCY' | 'LEAD_AGENCY_TODAY' | 'DIRECTIVE' | 'PROVINCE' | 'DONE_PROVINCE' | 'PILOT_PROVINCE' | 'DUE_YEAR' | 'DUE_QUARTER' | 'REPORT_DATE';
export type BreakdownUnit = 'MILESTONES' | 'SERVICES';

/** The stored top-level field each dimension groups on (the local database groups only those), and whether it is an array to unwind first. */
const DIMENSIONS: Record<BreakdownDimension, { field: string; array: boolean }> = {
  STATUS: { field: 'statusState', array: false },
  LEVEL: { field: 'level', array: false },
  LEAD_AGENCY: { field: 'leadAgencyIds', array: true },
  LEAD_AGENCY_TODAY: { field: 'leadAgencyTodayIds', array: true },
  DIRECTIVE: { field: 'directiveId', array: false },
  PROVINCE: { field: 'provinceIds', array: true },
  DONE_PROVINCE: { field: 'doneProvinceIds', array: true },
  PILOT_PROVINCE: { field: 'pilotProvinceIds', array: true },
  REPORT_DATE: { field: 'statusAsOf', array: false },
  DUE_YEAR: { field: 'dueYear', array: false },
  DUE_QUARTER: { field: 'dueQuarter', array: false },
};

/** Reports' readings over time: per report date, how many rows were done, partly done, not done. */
export interface CompletionPoint {
  asOf: string;
  done: number;
  partial: number;
  notDone: number;
}

export async function completionOverTime(db: CatalogueCollections, filter: MilestoneFilterInput | null | undefined): Promise<CompletionPoint[]> {
  const rows = await db.milestones
    .aggregate<{ _id: { asOf: string | null; state: string | null }; count: number }>(
      [
        { $match: { $and: [await milestoneFilter(db, filter), { statusAsOf: { $ne: null } }] } },
        { $group: { _id: { asOf: '$statusAsOf', state: '$statusState' }, count: { $sum: 1 } } },
      ],
      readWhole(),
    )
    .toArray();
  const points = new Map<string, CompletionPoint>();
  for (const row of rows) {
    if (!row._id.asOf) continue;
    const point = points.get(row._id.asOf) ?? { asOf: row._id.asOf, done: 0, partial: 0, notDone: 0 };
    if (row._id.state === 'DONE') point.done += row.count;
    else if (row._id.state === 'PARTIAL') point.partial += row.count;
    else point.notDone += row.count;
    points.set(row._id.asOf, point);
  }
  return [...points.values()].sort((a, b) => a.asOf.localeCompare(b.asOf));
}

export interface BreakdownRow {
  by: BreakdownDimension;
  key: string | null;
  count: number;
}

/**
 * Counts per group of milestones, or of distinct services, computed by the
 * database ($match, $unwind, $group with $sum): the rows never come to the
 * gateway. Largest groups first.
 */
export async function milestoneBreakdown(
  db: CatalogueCollections,
  by: BreakdownDimension,
  filter: MilestoneFilterInput | null | undefined,
  unit: BreakdownUnit = 'MILESTONES',
): Promise<BreakdownRow[]> {
  const { field, array } = DIMENSIONS[by];
  const match: Document = { $match: await milestoneFilter(db, filter) };
  let rows: Array<{ _id: string | number | null; count: number }>;
  if (unit === 'SERVICES') {
    // The database groups by (value, service) — one row per distinct pair, far
    // fewer than milestones — and the pairs are counted per value here. FerretDB
    // 1.24 cannot do it all: after $unwind it drops the other fields of a
    // compound group key, and it mis-groups on "$_id.key".
    type Key = string | number | null;
    const pairs = await db.milestones
      .aggregate<{ _id: { key?: Key | Key[]; service: string } }>([match, { $group: { _id: { key: `$${field}`, service: '$serviceId' } } }], readWhole())
      .toArray();
    const services = new Map<Key, Set<string>>();
    for (const { _id } of pairs) {
      const keys = Array.isArray(_id.key) ? _id.key : [_id.key ?? null];
      for (const key of keys) services.set(key, (services.get(key) ?? new Set()).add(_id.service));
    }
    rows = [...services].map(([key, set]) => ({ _id: key, count: set.size }));
  } else {
    const pipeline: Document[] = [match];
    if (array) pipeline.push({ $unwind: `$${field}` });
    pipeline.push({ $group: { _id: `$${field}`, count: { $sum: 1 } } });
    rows = await db.milestones.aggregate<{ _id: string | number | null; count: number }>(pipeline, readWhole()).toArray();
  }
  return rows
    .map((row) => ({ by, key: row._id === null || row._id === undefined ? null : String(row._id), count: row.count }))
    .sort((a, b) => b.count - a.count || String(a.key).localeCompare(String(b.key)));
}
