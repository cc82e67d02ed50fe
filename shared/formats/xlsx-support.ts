/**
 * XLSX support is plugged in rather than imported: its reader and writer bring yauzl, saxes
 * and fflate, which only the processor needs. The API and the other functions reach the
 * formats module too (through the operations), and a static import would put them in every
 * bundle. `shared/formats/xlsx/codec.ts` plugs it in; the processor imports that module.
 */
import type { openXlsx } from './xlsx/book.js';
import type { readXlsx } from './xlsx/read.js';
import type { writeXlsx } from './xlsx/write.js';

export interface XlsxCodec {
  /** Every worksheet of a workbook handed over as a stream (gathered into memory first). */
  read: typeof readXlsx;
  /** A workbook read in place by range (S3 ranged GETs): list its sheets, read any one of them. */
  open: typeof openXlsx;
  write: typeof writeXlsx;
}

let codec: XlsxCodec | undefined;

export function useXlsx(plugged: XlsxCodec): void {
  codec = plugged;
}

export function xlsx(): XlsxCodec {
  if (!codec) {
    throw new Error('XLSX support is not loaded in this process: import shared/formats/xlsx/codec.js first.');
  }
  return codec;
}
