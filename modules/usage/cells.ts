import { OVERFLOW_KEY, SEP } from './dimensions.js';
import { LatencySketch } from './sketch.js';

/** The totals of the calls with one combination of dimension values in one time bucket. */
export interface Cell {
  readonly dims: readonly string[];
  calls: number;
  successes: number;
  errors: Map<string, number> | undefined;
  unbilled: number;
  input: number;
  output: number;
  cached: number;
  reasoning: number;
  total: number;
  cost: number;
  priced: number;
  estimated: number;
  readonly latency: LatencySketch;
}

/** What one finished call adds to a {@link Cell}. */
export interface Outcome {
  ok: boolean;
  errorKind: string | undefined;
  latencyMs: number;
  unbilled: boolean;
  input: number;
  output: number;
  cached: number;
  reasoning: number;
  total: number;
  cost: number | undefined;
  estimated: boolean;
}

/** Cells a bucket holds before new combinations count under the all-`'other'` cell. */
const MAX_CELLS_PER_BUCKET = 10_000;

/** The cell of `id` in `cells`, created when missing (under the overflow cell once `cells` is full). */
export function cellIn(
  cells: Map<string, Cell>,
  dims: readonly string[],
  id = dims.join(SEP),
  overflow = false,
): Cell {
  let cell = cells.get(id);
  if (cell === undefined) {
    if (!overflow && cells.size >= MAX_CELLS_PER_BUCKET) {
      const overflow = dims.map(() => OVERFLOW_KEY);
      const overflowId = overflow.join(SEP);
      if (id !== overflowId) return cellIn(cells, overflow, overflowId, true);
    }
    cell = newCell(dims);
    cells.set(id, cell);
  }
  return cell;
}

/** An empty cell of `dims`. */
export function newCell(dims: readonly string[]): Cell {
  return {
    dims,
    calls: 0,
    successes: 0,
    errors: undefined,
    unbilled: 0,
    input: 0,
    output: 0,
    cached: 0,
    reasoning: 0,
    total: 0,
    cost: 0,
    priced: 0,
    estimated: 0,
    latency: new LatencySketch(),
  };
}

/** Counts one call's outcome `o` in `cell`. */
export function addTo(cell: Cell, o: Outcome): void {
  cell.calls++;
  if (o.ok) {
    cell.successes++;
    cell.latency.add(o.latencyMs);
  } else {
    cell.errors ??= new Map();
    const kind = o.errorKind ?? 'unknown';
    cell.errors.set(kind, (cell.errors.get(kind) ?? 0) + 1);
  }
  if (o.unbilled) cell.unbilled++;
  cell.input += o.input;
  cell.output += o.output;
  cell.cached += o.cached;
  cell.reasoning += o.reasoning;
  cell.total += o.total;
  if (o.cost !== undefined) {
    cell.cost += o.cost;
    cell.priced++;
  }
  if (o.estimated) cell.estimated++;
}

/** Adds the totals and latencies of `from` to `into`. */
export function mergeInto(into: Cell, from: Cell): void {
  into.calls += from.calls;
  into.successes += from.successes;
  if (from.errors !== undefined) {
    into.errors ??= new Map();
    for (const [kind, n] of from.errors) into.errors.set(kind, (into.errors.get(kind) ?? 0) + n);
  }
  into.unbilled += from.unbilled;
  into.input += from.input;
  into.output += from.output;
  into.cached += from.cached;
  into.reasoning += from.reasoning;
  into.total += from.total;
  into.cost += from.cost;
  into.priced += from.priced;
  into.estimated += from.estimated;
  into.latency.merge(from.latency);
}
