/**
 * The benchmark's fixed mix of operations. Each is one GraphQL operation, sent
 * to every target that serves its subgraph (the gateways, and the subgraph
 * itself directly), and for catalogue operations the hand-written REST route
 * that returns the same JSON (bench/rest-floor.ts). The values they ask for
 * come from the catalogue under test (`BenchSamples`), so the same mix runs on
 * the curated seed data and on every synthetic size.
 */
import { sampleCitizenIds } from '../src/stubs/population/generator';

/** Ids the operations ask for: recorded by the synthetic generator, or the curated ones. */
export interface BenchSamples {
  /** A directive with a typical number of milestones. */
  directiveId: string;
  /** A service with a typical timeline. */
  serviceId: string;
  /** A current (2025) province code with per-province progress. */
  provinceCode: string;
  /** Folded search text that matches services. */
  searchText: string;
  /** An agency that leads milestones. */
  leadAgencyId: string;
}

/** Samples on the curated seed data (the five documents). */
export const CURATED_SAMPLES: BenchSamples = {
  directiveId: '406/QĐ-TTg',
  serviceId: 'svc-406-37',
  provinceCode: '91',
  searchText: 'dang ky ket hon',
  leadAgencyId: 'bo-cong-an',
};

/**
 * How an operation's cost should grow with the catalogue: `flat` ones touch a
 * bounded number of documents through indexes; `linear` ones count or scan
 * what grows with it.
 */
export type Growth = 'flat' | 'linear' | 'upstream';

/** The subgraph that owns every root field of an operation: where a direct request goes. */
export type OwningSubgraph = 'catalogue' | 'population';

export interface BenchOperation {
  name: string;
  subgraph: OwningSubgraph;
  /** One line for RESULTS.md. */
  description: string;
  growth: Growth;
  /** True when it has list fields nested under list fields (where batching matters). */
  nested: boolean;
  query: string;
  variables(samples: BenchSamples): Record<string, unknown>;
  /** Needs an API key with the OFFICER role. */
  officer?: boolean;
  /** Citizen lookups: how many IDs. No REST floor: the floor is the upstream itself, measured separately. */
  citizenIds?: number;
}

export const PAGE_SIZE = 20;

export const OPERATIONS: readonly BenchOperation[] = [
  {
    name: 'directive',
    subgraph: 'catalogue',
    description: 'A directive with its milestones, each with its lead agencies and phases',
    growth: 'flat',
    nested: true,
    query: `query Directive($id: ID!) {
  directive(id: $id) {
    id kind title date
    issuer { id name }
    milestones {
      id item nameAsPrinted level
      leadAgencies { id name }
      due { text start end }
      phases { id item due { text } }
    }
  }
}`,
    variables: (s) => ({ id: s.directiveId }),
  },
  {
    name: 'service-list',
    subgraph: 'catalogue',
    description: `A page of ${PAGE_SIZE} services filtered by directive, each with its directives`,
    growth: 'flat',
    nested: true,
    query: `query ServiceList($directiveId: ID!, $first: Int!) {
  services(filter: { milestones: { directiveIds: [$directiveId] } }, first: $first) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { id name directives { id title date } }
  }
}`,
    variables: (s) => ({ directiveId: s.directiveId, first: PAGE_SIZE }),
  },
  {
    name: 'service-timeline',
    subgraph: 'catalogue',
    description: 'A service by id with its timeline across directives, lead agencies as named then and today',
    growth: 'flat',
    nested: true,
    query: `query ServiceTimeline($id: ID!) {
  service(id: $id) {
    id name
    timeline {
      id
      directive { id date }
      leadAgencies { id name currentAgencies { id name } }
      due { text }
      carriedOver
      status { asOf state text }
    }
  }
}`,
    variables: (s) => ({ id: s.serviceId }),
  },
  {
    name: 'province-dashboard',
    subgraph: 'catalogue',
    description: `A current province, the old units it was formed from, its first ${PAGE_SIZE} done milestones and its status breakdown`,
    growth: 'linear',
    nested: false,
    query: `query ProvinceDashboard($code: String!, $provinces: [String!]!, $first: Int!) {
  province(code: $code) { id name formedFrom { id name } }
  done: milestones(filter: { provinces: $provinces, states: [DONE] }, first: $first) {
    totalCount
    nodes { id nameAsPrinted status { asOf } }
  }
  byStatus: milestoneBreakdown(by: STATUS, filter: { provinces: $provinces }) { key count }
}`,
    variables: (s) => ({ code: s.provinceCode, provinces: [s.provinceCode], first: PAGE_SIZE }),
  },
  {
    name: 'breakdown',
    subgraph: 'catalogue',
    description: 'Milestones by lead agency (as it is today) and by status',
    growth: 'linear',
    nested: false,
    query: `query Breakdown {
  byLeadAgency: milestoneBreakdown(by: LEAD_AGENCY_TODAY) { key label count }
  byStatus: milestoneBreakdown(by: STATUS) { key label count }
}`,
    variables: () => ({}),
  },
  {
    name: 'search',
    subgraph: 'catalogue',
    description: 'Accent-insensitive search, first 10 hits across services, directives, agencies and provinces',
    growth: 'linear',
    nested: false,
    query: `query Search($text: String!) {
  search(text: $text, first: 10) {
    score
    node {
      __typename
      ... on Service { id name }
      ... on Directive { id title }
      ... on Agency { id name }
      ... on Province { id name era }
    }
  }
}`,
    variables: (s) => ({ text: s.searchText }),
  },
  {
    name: 'agency',
    subgraph: 'catalogue',
    description: 'A ministry by id with the bodies that carry its work today: one primary-key lookup, so the database takes the least time and the gateway its largest share',
    growth: 'flat',
    nested: false,
    query: `query Agency($id: ID!) {
  agency(id: $id) {
    id name kind aliases dissolvedOn
    currentAgencies { id name }
  }
}`,
    // The same ministry at every size (the curated sample, in every catalogue, never dissolved): a synthetic
    // catalogue's sample lead agency may be a dissolved one, whose successors cost one more lookup.
    variables: () => ({ id: CURATED_SAMPLES.leadAgencyId }),
  },
  {
    name: 'citizens-100',
    subgraph: 'population',
    description: 'A batch of 100 citizen lookups (purpose IDENTITY) through the population connector',
    growth: 'upstream',
    nested: false,
    officer: true,
    citizenIds: 100,
    query: 'query Citizens($ids: [ID!]!) { citizens(ids: $ids, purpose: IDENTITY) { id fullName dateOfBirth } }',
    variables: () => ({ ids: sampleCitizenIds(100, 8) }),
  },
  {
    name: 'citizens-1000',
    subgraph: 'population',
    description: 'A batch of 1,000 citizen lookups (purpose IDENTITY) through the population connector',
    growth: 'upstream',
    nested: false,
    officer: true,
    citizenIds: 1000,
    query: 'query Citizens($ids: [ID!]!) { citizens(ids: $ids, purpose: IDENTITY) { id fullName dateOfBirth } }',
    variables: () => ({ ids: sampleCitizenIds(1000, 8) }),
  },
];
