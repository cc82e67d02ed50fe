/**
 * Content that cannot be what its format says — a PNG renamed `photo.csv`, a gzip of a CSV, a
 * legacy `.xls` renamed `.xlsx` — refused when the job is planned, with a message that says
 * what the file is and what to upload instead, rather than extracted into nonsense records.
 *
 * Two tests, on the file's first bytes:
 * - Known signatures ("magic numbers") of images, documents, compressed files, archives and
 *   binary data files. A ZIP is refused for every format but XLSX, since an XLSX workbook is a
 *   ZIP; whether a ZIP is really a workbook is the XLSX reader's question. For XLSX, anything
 *   else is refused.
 * - For the text formats, NUL bytes in the first 8 KiB: text holds none, binary files hold
 *   plenty. UTF-16 and UTF-32 text is the exception (every ASCII character of it comes with NULs),
 *   so `wideLayout` is asked first; partwise reads UTF-16, and refuses UTF-32 by name.
 * Signatures that are printable text (`PAR1`, `BZh`) need the binary bytes that follow them in
 * real files, so that a CSV whose first cell happens to read `PAR1` is not refused.
 */
import type { Format } from './detect.js';
import { utf32Message, wideLayout } from './encoding-detect.js';

/** How much of the head the NUL test reads: enough for any text header, little enough to be quick. */
export const NUL_WINDOW = 8192;

type Kind = 'looks-like' | 'compressed' | 'archive' | 'zip' | 'ole2';

interface Signature {
  /** What the file is, as a user would say it: `a PNG image`, `a gzip-compressed` (file). */
  what: string;
  kind: Kind;
  matches(head: Uint8Array): boolean;
}

const at = (head: Uint8Array, offset: number, magic: number[] | string) => {
  const bytes = typeof magic === 'string' ? Array.from(magic, (c) => c.charCodeAt(0)) : magic;
  return head.length >= offset + bytes.length && bytes.every((byte, i) => head[offset + i] === byte);
};
/** A byte no text would hold right there: a control character other than tab and line ends. */
const binaryAt = (head: Uint8Array, offset: number) => {
  const byte = head[offset];
  return byte !== undefined && byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d;
};

const SIGNATURES: Signature[] = [
  {
    what: 'a PNG image',
    kind: 'looks-like',
    matches: (h) => at(h, 0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  },
  { what: 'a JPEG image', kind: 'looks-like', matches: (h) => at(h, 0, [0xff, 0xd8, 0xff]) },
  { what: 'a GIF image', kind: 'looks-like', matches: (h) => at(h, 0, 'GIF87a') || at(h, 0, 'GIF89a') },
  { what: 'a WebP image', kind: 'looks-like', matches: (h) => at(h, 0, 'RIFF') && at(h, 8, 'WEBP') },
  { what: 'a PDF document', kind: 'looks-like', matches: (h) => at(h, 0, '%PDF-') },
  // Parquet files start with PAR1 and then a Thrift page header, whose first byte is binary (0x15).
  { what: 'an Apache Parquet file', kind: 'looks-like', matches: (h) => at(h, 0, 'PAR1') && binaryAt(h, 4) },
  { what: 'an SQLite database', kind: 'looks-like', matches: (h) => at(h, 0, 'SQLite format 3\0') },
  { what: 'a gzip-compressed', kind: 'compressed', matches: (h) => at(h, 0, [0x1f, 0x8b]) },
  // BZh, the block size 1–9, then the magic of a block (π) or of an empty stream's end (√π).
  {
    what: 'a bzip2-compressed',
    kind: 'compressed',
    matches: (h) =>
      at(h, 0, 'BZh') &&
      (h[3] ?? 0) >= 0x31 &&
      (h[3] ?? 0) <= 0x39 &&
      (at(h, 4, [0x31, 0x41, 0x59, 0x26, 0x53, 0x59]) || at(h, 4, [0x17, 0x72, 0x45, 0x38, 0x50, 0x90])),
  },
  {
    what: 'an xz-compressed',
    kind: 'compressed',
    matches: (h) => at(h, 0, [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]),
  },
  { what: 'a zstd-compressed', kind: 'compressed', matches: (h) => at(h, 0, [0x28, 0xb5, 0x2f, 0xfd]) },
  {
    what: 'a 7-Zip archive',
    kind: 'archive',
    matches: (h) => at(h, 0, [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]),
  },
  { what: 'a RAR archive', kind: 'archive', matches: (h) => at(h, 0, [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07]) },
  // A local file header, an empty archive's end record, a spanned archive's marker.
  {
    what: 'a ZIP archive',
    kind: 'zip',
    matches: (h) =>
      at(h, 0, [0x50, 0x4b, 0x03, 0x04]) ||
      at(h, 0, [0x50, 0x4b, 0x05, 0x06]) ||
      at(h, 0, [0x50, 0x4b, 0x07, 0x08]),
  },
  // The Compound File header of .xls, .doc, .ppt, .msg — and of a password-protected .xlsx.
  {
    what: 'a legacy Office file',
    kind: 'ole2',
    matches: (h) => at(h, 0, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
  },
];

const LABELS: Record<Format, { name: string; noun: string }> = {
  csv: { name: 'CSV', noun: 'a CSV file' },
  tsv: { name: 'TSV', noun: 'a TSV file' },
  ndjson: { name: 'NDJSON', noun: 'an NDJSON file' },
  json: { name: 'JSON', noun: 'a JSON file' },
  xlsx: { name: 'XLSX', noun: 'an XLSX workbook' },
};

/**
 * Why `head` (the file's first bytes, up to 64 KiB) cannot be a file in `format`, as a message
 * for the user that names `fileName`; `undefined` when nothing rules it out. An empty head
 * rules out only XLSX: an empty text file is an empty table, which extract reports itself.
 */
export function contentRefusal(head: Uint8Array, format: Format, fileName: string): string | undefined {
  const { name, noun } = LABELS[format];
  const signature = SIGNATURES.find((candidate) => candidate.matches(head));
  if (format === 'xlsx') {
    if (signature?.kind === 'zip') return undefined;
    if (signature) return refusal(signature, fileName, name, noun);
    if (head.length === 0) return `${fileName} is empty, so it is not an XLSX workbook.`;
    if (looksLikeText(head)) {
      return `${fileName} is not an XLSX workbook: it holds text, not a ZIP archive as every .xlsx file is. If it is a CSV, upload it with a .csv name.`;
    }
    return `${fileName} is not an XLSX workbook: it is not a ZIP archive, as every .xlsx file is.`;
  }
  if (signature) return refusal(signature, fileName, name, noun);
  const nul = head.subarray(0, NUL_WINDOW).indexOf(0);
  if (nul < 0) return undefined;
  const wide = wideLayout(head);
  if (wide && 'utf32' in wide) return utf32Message(fileName, wide.utf32);
  if (wide) return undefined;
  return `${fileName} is not ${noun}: it holds NUL bytes (the first at byte ${nul}): it is a binary file, not text.`;
}

function refusal(signature: Signature, fileName: string, name: string, noun: string): string {
  switch (signature.kind) {
    case 'compressed':
      return `${fileName} is ${signature.what} file: decompress it and upload the ${name}.`;
    case 'archive':
      return `${fileName} is not ${noun}: it looks like ${signature.what}. Extract the ${name} from it and upload that.`;
    case 'zip':
      // A workbook renamed .csv is the usual case: say how to upload it as what it is.
      return `${fileName} is not ${noun}: it looks like a ZIP archive. If it is an Excel workbook, upload it with an .xlsx name; otherwise extract the ${name} from it and upload that.`;
    case 'ole2':
      return name === 'XLSX'
        ? `${fileName} is not an XLSX workbook: it looks like a legacy Excel 97–2003 (.xls) or other Office file, or a password-protected workbook: save it as .xlsx without a password, or as CSV.`
        : `${fileName} is not ${noun}: it looks like a legacy Excel 97–2003 (.xls) or other Office file: save it as .xlsx or CSV.`;
    case 'looks-like':
      return `${fileName} is not ${noun}: it looks like ${signature.what}.`;
  }
}

/** Text in some encoding: UTF-16/32, or no control bytes but tab, line ends and form feed in the NUL window. */
function looksLikeText(head: Uint8Array): boolean {
  if (wideLayout(head)) return true;
  const window = head.subarray(0, NUL_WINDOW);
  return window.every(
    (byte) => byte >= 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0c || byte === 0x0d,
  );
}
