/**
 * The messages a record gets for the shape of the row it came from, apart from its values'
 * types: a row with more or fewer cells than the header (ragged), and a quoted cell with text
 * after its closing quote (the mark of an unbalanced quote). The row is kept either way —
 * nothing is dropped without a word — and the message lands on the field it concerns, so the
 * record reads `valid: false` and says why. Typed extract parts and CSV slice reads both put
 * them on, and `CsvRowCounter` counts the same rows while a slice is stored.
 */
import type { RecordRow } from '../domain/resources.js';

/** Where a row's cells go: per field key, its column in the file (-1: none), and the header's width. */
export interface RowShape {
  keys: readonly string[];
  columns: readonly number[];
  /** The header's cell count; 0: rows are held to no count. */
  width: number;
}

const MAX_SHOWN = 3;
const shown = (cells: readonly string[]) =>
  cells
    .slice(0, MAX_SHOWN)
    .map((cell) => JSON.stringify(cell.length > 40 ? `${cell.slice(0, 37)}...` : cell))
    .join(', ') + (cells.length > MAX_SHOWN ? ', …' : '');

/** The key of the field whose column is `column`, else the first key. */
function keyOf(shape: RowShape, column: number): string | undefined {
  const at = shape.columns.indexOf(column);
  return shape.keys[Math.max(at, 0)];
}

/**
 * The shape messages of one row (`undefined`: none). `uncleanCells` are the indexes of its
 * cells with text after a closing quote, as the parser noted them.
 */
export function rowShapeMessages(
  cells: readonly string[],
  shape: RowShape,
  uncleanCells?: readonly number[],
): Record<string, string> | undefined {
  let messages: Record<string, string> | undefined;
  const add = (key: string | undefined, message: string) => {
    if (key === undefined) return;
    messages ??= {};
    messages[key] = messages[key] ? `${messages[key]}; ${message}` : message;
  };
  const { width } = shape;
  if (width > 0 && cells.length < width) {
    // The first field whose column the row does not reach.
    const at = shape.columns.findIndex((column) => column >= cells.length);
    add(
      shape.keys[Math.max(at, 0)],
      `the row has ${cells.length} of the header's ${width} cells: this field's cell is missing`,
    );
  } else if (width > 0 && cells.length > width) {
    const extra = cells.slice(width);
    add(
      shape.keys.at(-1),
      `the row has ${cells.length} cells, the header ${width}: ${extra.length} extra cell(s) not stored: ${shown(extra)}`,
    );
  }
  for (const cell of uncleanCells ?? []) {
    add(
      keyOf(shape, cell),
      `text follows the closing quote of a quoted cell (read as ${shown([cells[cell] ?? ''])}): is a quote missing or extra?`,
    );
  }
  return messages;
}

/** A record row with shape messages added to its own (type) messages, if any; `fields` is its key count. */
export function withShapeMessages(
  row: RecordRow,
  fields: number,
  shapeMessages: Record<string, string> | undefined,
): RecordRow {
  if (!shapeMessages) return row;
  const own = row[fields + 1] as Record<string, string> | undefined;
  const merged = { ...own };
  for (const [key, message] of Object.entries(shapeMessages))
    merged[key] = merged[key] ? `${merged[key]}; ${message}` : message;
  row[fields + 1] = merged;
  return row;
}
