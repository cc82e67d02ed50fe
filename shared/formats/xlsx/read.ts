/**
 * Reading an XLSX workbook handed over as a stream (`xlsx().read`, `readSheets`): every
 * worksheet becomes one `SheetReadResult`, in the workbook's order. A zip is read from its
 * end (the central directory), so the stream is gathered into memory first and read by
 * random access (`book.ts`); where the file can be read by range (S3), `openXlsx` reads it in
 * place.
 */
import type { SheetReadResult } from '../table.js';
import { checkedHeaderRow, openXlsx, type XlsxSheetOptions } from './book.js';
import { bufferSource } from './source.js';

export type { XlsxBook, XlsxSheetOptions, XlsxSheetRead } from './book.js';
export { openXlsx } from './book.js';
export { bufferSource, type RandomAccessSource } from './source.js';

/** The same header row applies to every sheet. */
export type XlsxReadOptions = XlsxSheetOptions;

/**
 * Sheets in turn. A sheet's `rows` may be read or left: asking for the next sheet closes
 * it. An error of the byte stream is passed on as it is.
 */
export async function* readXlsx(
  bytes: AsyncIterable<Uint8Array>,
  options: XlsxReadOptions = {},
): AsyncGenerator<SheetReadResult> {
  checkedHeaderRow(options);
  const chunks: Uint8Array[] = [];
  for await (const chunk of bytes) chunks.push(chunk);
  const book = await openXlsx(bufferSource(Buffer.concat(chunks)));
  try {
    for (const { index } of book.sheets) {
      const sheet = await book.readSheet(index, options);
      try {
        yield sheet;
      } finally {
        await sheet.rows.return(undefined);
      }
    }
  } finally {
    await book.close();
  }
}
