/**
 * The one shape every format reads into and writes from, so an operation treats CSV, TSV,
 * NDJSON, JSON and XLSX alike: a header and rows of text cells, streamed in batches.
 */

/** One row's cells as text, in column order. A row may be shorter than the header (missing cells). */
export type Row = string[];

/** A table being read. `rows` is single use and yields batches, so per-row awaits stay off the hot path. */
export interface TableReader {
  header: string[];
  rows: AsyncIterable<Row[]>;
}

/** One worksheet of a workbook (or the single table of a text format), being read. */
export interface SheetReadResult extends TableReader {
  name: string;
}

/**
 * What a writer takes: a `TableReader` fits, as does an in-memory list of batches. Rows are
 * text (`Row`) unless a writer takes more: the JSON writers take typed cells (`JsonRow`).
 */
export interface TableSource<R = Row> {
  header: readonly string[];
  rows: AsyncIterable<R[]> | Iterable<R[]>;
}

/** A named table to write as one worksheet. */
export interface SheetSource extends TableSource {
  name: string;
}

/** Writers hand out pieces of about this many characters: few enough to keep per-chunk costs low, small enough to keep memory flat. */
export const OUTPUT_CHUNK_CHARS = 64 * 1024;

/**
 * Builds a writer's output from many small strings and hands it out as UTF-8 chunks of about
 * `OUTPUT_CHUNK_CHARS`, instead of one tiny chunk per cell or one huge one per file.
 */
export class Utf8Output {
  private text = '';

  /** Appends `piece`; returns a chunk to emit once enough text has gathered. */
  push(piece: string): Uint8Array | undefined {
    this.text += piece;
    return this.text.length >= OUTPUT_CHUNK_CHARS ? this.flush() : undefined;
  }

  /** What is left, as a chunk (`undefined` when nothing is). */
  flush(): Uint8Array | undefined {
    if (this.text.length === 0) return undefined;
    const chunk = Buffer.from(this.text, 'utf8');
    this.text = '';
    return chunk;
  }
}
