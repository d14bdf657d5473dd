import { useEditorContext } from '@graphiql/react';
import { parse, type DocumentNode } from 'graphql';
import { useEffect, useMemo, useRef, useState, useSyncExternalStore, type RefObject } from 'react';
import { ResultChart } from './charts';
import { findCharts, type ResultCharts } from './result-charts';
import { findLists, type ResultList } from './result-lists';
import { latestRun, subscribeToRuns, type Run } from './runs';
import { TableView } from './table-view';

/**
 * JSON | Table | Chart above the result. Rendered in GraphiQL's footer slot, which sits in the
 * result pane (ide.css moves it to the top); Table and Chart cover the JSON while chosen. It is
 * in the result pane rather than in a sidebar pane because the sidebar shows one pane at a
 * time: an analyst ticks fields in the explorer, runs, and looks at the table, all at once.
 */

type ResultView = 'json' | 'table' | 'chart';

interface Analysis {
  lists: ResultList[];
  charts: ResultCharts;
}

function analyse(run: Run): Analysis {
  let document: DocumentNode;
  try {
    document = parse(run.query);
  } catch {
    return { lists: [], charts: { charts: [], problems: [] } };
  }
  const data = run.result.data ?? undefined;
  return { lists: findLists(document, run.operationName, data), charts: findCharts(document, run.operationName, data) };
}

/**
 * The last run made from the active tab. A run belongs to the tab that was active when its
 * result arrived; switching tabs shows that tab's own run, or none.
 */
function useRunOfActiveTab(): Run | undefined {
  const editor = useEditorContext({ nonNull: true });
  const activeTabId = editor.tabs[editor.activeTabIndex]?.id;
  const latest = useSyncExternalStore(subscribeToRuns, latestRun);
  const [runsByTab, setRunsByTab] = useState<ReadonlyMap<string, Run>>(new Map());
  // Only `latest` as a dependency: this runs when a run arrives, with the tab active in that
  // render; switching tabs later must not move the run to the other tab.
  useEffect(() => {
    if (!latest || activeTabId === undefined) return;
    setRunsByTab((known) => (known.get(activeTabId) === latest ? known : new Map(known).set(activeTabId, latest)));
  }, [latest]);
  return activeTabId === undefined ? undefined : runsByTab.get(activeTabId);
}

/** Table and Chart hide GraphiQL's JSON viewer (kept laid out, so CodeMirror needs no refresh). */
function useCoverJson(rootRef: RefObject<HTMLElement>, covered: boolean): void {
  useEffect(() => {
    const responsePane = rootRef.current?.closest('.graphiql-response');
    responsePane?.classList.toggle('ide-response-covered', covered);
  }, [rootRef, covered]);
}

function ViewSwitch({ view, onChange, analysis }: { view: ResultView; onChange: (view: ResultView) => void; analysis: Analysis | undefined }) {
  const choices: Array<[ResultView, string]> = [
    ['json', 'JSON'],
    ['table', analysis && analysis.lists.length > 0 ? `Table (${analysis.lists.length})` : 'Table'],
    ['chart', analysis && analysis.charts.charts.length > 0 ? `Chart (${analysis.charts.charts.length})` : 'Chart'],
  ];
  return (
    <div className="ide-view-switch" role="tablist" aria-label="Show the result as">
      {choices.map(([choice, label]) => (
        <button
          key={choice}
          type="button"
          role="tab"
          aria-selected={view === choice}
          data-view={choice}
          className={view === choice ? 'active' : ''}
          onClick={() => onChange(choice)}
        >
          {label}
        </button>
      ))}
    </div>
  );
}

function ChartsView({ charts }: { charts: ResultCharts }) {
  return (
    <div className="ide-charts">
      {charts.problems.map((problem) => (
        <p key={problem} className="ide-results-empty">
          {problem}
        </p>
      ))}
      {charts.charts.length === 0 && charts.problems.length === 0 ? (
        <p className="ide-results-empty">
          Charts are drawn for <code>milestoneBreakdown {'{ key label count }'}</code> (bars) and <code>completionOverTime {'{ asOf done partial notDone }'}</code> (lines).
        </p>
      ) : null}
      {charts.charts.map((chart) => (
        <ResultChart key={chart.title} chart={chart} />
      ))}
    </div>
  );
}

function CoveringView({ view, run, analysis, exportUrl }: { view: Exclude<ResultView, 'json'>; run: Run | undefined; analysis: Analysis | undefined; exportUrl: string }) {
  if (!run || !analysis) return <p className="ide-results-empty">Run the operation to see its result as a {view}.</p>;
  if (!run.result.data) return <p className="ide-results-empty">This run returned no data: its errors are in the JSON view.</p>;
  return view === 'table' ? <TableView lists={analysis.lists} run={run} exportUrl={exportUrl} /> : <ChartsView charts={analysis.charts} />;
}

export function ResultsView({ exportUrl }: { exportUrl: string }) {
  const run = useRunOfActiveTab();
  const analysis = useMemo(() => run && analyse(run), [run]);
  const [view, setView] = useState<ResultView>('json');
  const rootRef = useRef<HTMLDivElement>(null);
  useCoverJson(rootRef, view !== 'json');
  return (
    <div className="ide-results" ref={rootRef} data-view={view}>
      <ViewSwitch view={view} onChange={setView} analysis={analysis} />
      {view === 'json' ? null : (
        <div className="ide-results-body" role="tabpanel">
          <div className="ide-results-content">
            <CoveringView view={view} run={run} analysis={analysis} exportUrl={exportUrl} />
          </div>
        </div>
      )}
    </div>
  );
}
