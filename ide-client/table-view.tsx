import { useCallback, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { downloadCsv } from './csv-download';
import { sortRows, tableCells, type ResultList, type SortDirection } from './result-lists';
import type { Run } from './runs';

/**
 * A list of the result as a table: the CSV export's columns and cells, sortable by clicking a
 * header, and a button that downloads the same rows (every page of a connection) through the
 * export endpoint. Only the rows in view are in the DOM, so thousands of rows scroll smoothly.
 */

/** Height of a body row in px; ide.css gives `.ide-table td` exactly this height. */
const ROW_HEIGHT = 28;
/** Rows drawn above and below the visible ones, so a fast scroll does not show blank space. */
const OVERSCAN_ROWS = 20;

interface RowWindow {
  first: number;
  last: number;
}

/** Which rows to draw for the scroll position and height of the scrolling element. */
function useRowWindow(rowCount: number) {
  const scrollerRef = useRef<HTMLDivElement>(null);
  const [rows, setRows] = useState<RowWindow>({ first: 0, last: Math.min(rowCount, 2 * OVERSCAN_ROWS) });
  const measure = useCallback(() => {
    const scroller = scrollerRef.current;
    if (!scroller) return;
    const first = Math.max(0, Math.floor(scroller.scrollTop / ROW_HEIGHT) - OVERSCAN_ROWS);
    const last = Math.min(rowCount, Math.ceil((scroller.scrollTop + scroller.clientHeight) / ROW_HEIGHT) + OVERSCAN_ROWS);
    setRows((known) => (known.first === first && known.last === last ? known : { first, last }));
  }, [rowCount]);
  useLayoutEffect(() => {
    measure();
    const scroller = scrollerRef.current;
    if (!scroller) return undefined;
    const observer = new ResizeObserver(measure);
    observer.observe(scroller);
    return () => observer.disconnect();
  }, [measure]);
  return { scrollerRef, rows, onScroll: measure };
}

interface SortOrder {
  column: number;
  direction: SortDirection;
}

function SortableHeader({ column, index, sort, onSort }: { column: string; index: number; sort: SortOrder | undefined; onSort: (index: number) => void }) {
  const direction = sort?.column === index ? sort.direction : undefined;
  return (
    <th scope="col" aria-sort={direction ?? 'none'}>
      <button type="button" onClick={() => onSort(index)} title={`Sort by ${column}`}>
        {column}
        <span className="ide-sort-mark" aria-hidden="true">
          {direction === 'ascending' ? '▲' : direction === 'descending' ? '▼' : ''}
        </span>
      </button>
    </th>
  );
}

/** The table itself; give it a `key` per list so a new list starts unsorted and scrolled to the top. */
export function SortableTable({ list }: { list: ResultList }) {
  const cells = useMemo(() => tableCells(list), [list]);
  const [sort, setSort] = useState<SortOrder>();
  const order = useMemo(() => (sort ? sortRows(cells, sort.column, sort.direction) : cells.map((_row, index) => index)), [cells, sort]);
  const { scrollerRef, rows, onScroll } = useRowWindow(order.length);
  // Same column again flips the direction; another column starts ascending.
  const sortBy = (column: number) => setSort((known) => ({ column, direction: known?.column === column && known.direction === 'ascending' ? 'descending' : 'ascending' }));

  return (
    <div className="ide-table-scroller" ref={scrollerRef} onScroll={onScroll}>
      <table className="ide-table" aria-rowcount={order.length + 1} aria-colcount={list.columns.length}>
        <thead>
          <tr aria-rowindex={1}>
            {list.columns.map((column, index) => (
              <SortableHeader key={column} column={column} index={index} sort={sort} onSort={sortBy} />
            ))}
          </tr>
        </thead>
        <tbody>
          <tr className="ide-table-spacer" aria-hidden="true" style={{ height: rows.first * ROW_HEIGHT }} />
          {order.slice(rows.first, rows.last).map((rowIndex, offset) => (
            <tr key={rowIndex} aria-rowindex={rows.first + offset + 2}>
              {(cells[rowIndex] ?? []).map((cell, column) => (
                <td key={list.columns[column]} title={cell}>
                  {cell}
                </td>
              ))}
            </tr>
          ))}
          <tr className="ide-table-spacer" aria-hidden="true" style={{ height: (order.length - rows.last) * ROW_HEIGHT }} />
        </tbody>
      </table>
    </div>
  );
}

type DownloadState = { state: 'idle' } | { state: 'busy' } | { state: 'done'; fileName: string } | { state: 'failed'; message: string };

function DownloadButton({ exportUrl, run, path }: { exportUrl: string; run: Run; path: string }) {
  const [download, setDownload] = useState<DownloadState>({ state: 'idle' });
  const start = () => {
    setDownload({ state: 'busy' });
    downloadCsv(exportUrl, run, path).then(
      (fileName) => setDownload({ state: 'done', fileName }),
      (error: unknown) => setDownload({ state: 'failed', message: error instanceof Error ? error.message : String(error) }),
    );
  };
  return (
    <>
      <button type="button" className="ide-results-action" onClick={start} disabled={download.state === 'busy'}>
        {download.state === 'busy' ? 'Downloading…' : 'Download CSV'}
      </button>
      <span className={`ide-download-status ${download.state === 'failed' ? 'ide-error' : ''}`} role="status">
        {download.state === 'done' ? `Saved ${download.fileName}` : download.state === 'failed' ? download.message : ''}
      </span>
    </>
  );
}

function ListPicker({ lists, chosen, onChoose }: { lists: ResultList[]; chosen: ResultList; onChoose: (path: string) => void }) {
  if (lists.length === 1) return <code className="ide-list-path">{chosen.path}</code>;
  return (
    <label className="ide-list-picker">
      List{' '}
      <select value={chosen.path} onChange={(event) => onChoose(event.target.value)}>
        {lists.map((list) => (
          <option key={list.path} value={list.path}>
            {list.path} ({list.rows.length} rows)
          </option>
        ))}
      </select>
    </label>
  );
}

/** The Table view: which list, how many rows, the download, and the table. */
export function TableView({ lists, run, exportUrl }: { lists: ResultList[]; run: Run; exportUrl: string }) {
  const [chosenPath, setChosenPath] = useState<string>();
  const chosen = lists.find((list) => list.path === chosenPath) ?? lists[0];
  if (!chosen) {
    return (
      <p className="ide-results-empty">
        No list of objects in this result. The table shows lists such as <code>milestones {'{ nodes { … } }'}</code> or <code>milestoneBreakdown {'{ key count }'}</code>.
      </p>
    );
  }
  return (
    <div className="ide-table-view">
      <div className="ide-results-toolbar">
        <ListPicker lists={lists} chosen={chosen} onChoose={setChosenPath} />
        <span className="ide-row-count">
          {chosen.rows.length} {chosen.rows.length === 1 ? 'row' : 'rows'}
          {/* The export pages through the rest, when the query pages by `after: $after` (else it says so). */}
          {chosen.kind === 'connection' ? ' on this page' : ''}
        </span>
        <DownloadButton key={`${run.sequence}:${chosen.path}`} exportUrl={exportUrl} run={run} path={chosen.path} />
      </div>
      <SortableTable key={`${run.sequence}:${chosen.path}`} list={chosen} />
    </div>
  );
}
