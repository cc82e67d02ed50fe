/**
 * The CSV dialect partwise reads: the one real files are written in, as Python's `csv`
 * module reads them (its `excel` dialect with `strict=False`) and as Excel does.
 *
 * - Cells are separated by the delimiter (`,` by default; `;`, tab and `|` are detected).
 * - A `"` opens a quoted cell only as the cell's **first** character. Inside, the delimiter,
 *   CR and LF are data and `""` is one `"`; the next lone `"` closes it.
 * - A `"` anywhere else is a plain character: `12" pizza`, `37°36'37.8"N`, `say "hi"` are
 *   kept as written. (Counting every `"` as a toggle — quote parity — holds only for
 *   strictly RFC 4180 files, and silently merges rows on these.)
 * - Text after a closing quote joins the cell, its quotes plain again: `"ab"c` reads `abc`.
 *   That is Python's and Excel's reading; partwise keeps it and puts a message on the record,
 *   since it is the mark of an unbalanced quote.
 * - A row ends at LF, CRLF or a lone CR outside a quoted cell. A blank line (nothing before
 *   its line ending) is not a row. A file that ends inside a quoted cell is refused, with
 *   the line where the cell opens.
 *
 * The parser (rows.ts) applies the rules to text, the planner (quote-run.ts) and the row
 * counter (count.ts) to bytes: every byte the rules turn on (`"`, CR, LF and an ASCII
 * delimiter) is one byte that never occurs inside another character in UTF-8 or a
 * single-byte encoding. Property tests hold the three together.
 */

export const QUOTE = 0x22;
export const LF = 0x0a;
export const CR = 0x0d;

/**
 * The byte the planner and the counter look for as the delimiter: the delimiter's code when
 * it is one byte in the file's encoding (any ASCII delimiter; up to U+00FF in a single-byte
 * encoding), else `undefined`, and the file is read as one part.
 */
export function delimiterByte(delimiter: string, singleByteEncoding: boolean): number | undefined {
  const code = delimiter.charCodeAt(0);
  return code < 0x80 || (singleByteEncoding && code <= 0xff) ? code : undefined;
}
