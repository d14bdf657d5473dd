import type { Document } from 'mongodb';
import type { Collections } from '../db/collections';
import { milestoneFilter, type MilestoneFilterInput } from './filters';

export type BreakdownDimension = 'STATUS' | 'LEVEL' | 'LEAD_AGENCY' | 'LEAD_AGENCY_TODAY' | 'DIRECTIVE' | 'PROVINCE' | 'DUE_YEAR' | 'DUE_QUARTER';

/** The stored field each dimension groups on, and whether it is an array to unwind first. */
const DIMENSIONS: Record<BreakdownDimension, { field: string; array: boolean }> = {
  STATUS: { field: 'status.state', array: false },
  LEVEL: { field: 'level', array: false },
  LEAD_AGENCY: { field: 'leadAgencyIds', array: true },
  LEAD_AGENCY_TODAY: { field: 'leadAgencyTodayIds', array: true },
  DIRECTIVE: { field: 'directiveId', array: false },
  PROVINCE: { field: 'provinceIds', array: true },
  DUE_YEAR: { field: 'dueYear', array: false },
  DUE_QUARTER: { field: 'dueQuarter', array: false },
};

export interface BreakdownRow {
  by: BreakdownDimension;
  key: string | null;
  count: number;
}

/**
 * Milestone counts per group, computed by the database ($match, $unwind,
 * $group with $sum): the rows never come to the gateway. Largest groups first.
 */
export async function milestoneBreakdown(db: Collections, by: BreakdownDimension, filter: MilestoneFilterInput | null | undefined): Promise<BreakdownRow[]> {
  const { field, array } = DIMENSIONS[by];
  const pipeline: Document[] = [{ $match: await milestoneFilter(db, filter) }];
  if (array) pipeline.push({ $unwind: `$${field}` });
  pipeline.push({ $group: { _id: `$${field}`, count: { $sum: 1 } } });
  const rows = await db.milestones.aggregate<{ _id: string | number | null; count: number }>(pipeline).toArray();
  return rows
    .map((row) => ({ by, key: row._id === null || row._id === undefined ? null : String(row._id), count: row.count }))
    .sort((a, b) => b.count - a.count || String(a.key).localeCompare(String(b.key)));
}
