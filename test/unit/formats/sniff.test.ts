import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Format } from '../../../shared/formats/detect.js';
import { contentRefusal, NUL_WINDOW } from '../../../shared/formats/sniff.js';
import { utf8 } from './format-fixtures.js';

const bytes = (...parts: (number[] | string)[]) =>
  Uint8Array.from(
    parts.flatMap((part) => (typeof part === 'string' ? Array.from(part, (c) => c.charCodeAt(0)) : part)),
  );

/** The first bytes of real files of each kind, as their writers lay them out. */
const HEADS = {
  png: bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d], 'IHDR'),
  jpeg: bytes([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10], 'JFIF', [0]),
  gif: bytes('GIF89a', [0x10, 0, 0x10, 0, 0x80]),
  webp: bytes('RIFF', [0x24, 0, 0, 0], 'WEBPVP8 '),
  pdf: bytes('%PDF-1.7\n%', [0xe2, 0xe3, 0xcf, 0xd3]),
  gzip: gzipSync('id,name\n1,Zoë\n'),
  bzip2: bytes('BZh9', [0x31, 0x41, 0x59, 0x26, 0x53, 0x59]),
  xz: bytes([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0x00, 0x04]),
  zstd: bytes([0x28, 0xb5, 0x2f, 0xfd, 0x24, 0x00]),
  sevenZip: bytes([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c, 0x00, 0x04]),
  rar: bytes('Rar!', [0x1a, 0x07, 0x01, 0x00]),
  zip: bytes('PK', [3, 4, 0x14, 0, 0, 0, 8, 0]),
  emptyZip: bytes('PK', [5, 6, 0, 0, 0, 0, 0, 0]),
  spannedZip: bytes('PK', [7, 8, 0x50, 0x4b, 3, 4]),
  ole2: bytes([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]),
  parquet: bytes('PAR1', [0x15, 0x04, 0x15, 0xa0]),
  sqlite: bytes('SQLite format 3', [0, 0x10, 0]),
};

const TEXT_FORMATS: Format[] = ['csv', 'tsv', 'ndjson', 'json'];

describe('contentRefusal', () => {
  it('refuses a PNG renamed photo.csv, saying what it is', () => {
    expect(contentRefusal(HEADS.png, 'csv', 'photo.csv')).toBe(
      'photo.csv is not a CSV file: it looks like a PNG image.',
    );
  });

  it('names each image, document and data file format it knows, for every format', () => {
    const named: [keyof typeof HEADS, string][] = [
      ['jpeg', 'a JPEG image'],
      ['gif', 'a GIF image'],
      ['webp', 'a WebP image'],
      ['pdf', 'a PDF document'],
      ['parquet', 'an Apache Parquet file'],
      ['sqlite', 'an SQLite database'],
    ];
    for (const [head, what] of named) {
      expect(contentRefusal(HEADS[head], 'json', 'rows.json')).toBe(
        `rows.json is not a JSON file: it looks like ${what}.`,
      );
      expect(contentRefusal(HEADS[head], 'xlsx', 'book.xlsx')).toBe(
        `book.xlsx is not an XLSX workbook: it looks like ${what}.`,
      );
    }
  });

  it('asks for a compressed file to be decompressed, naming the compression', () => {
    expect(contentRefusal(HEADS.gzip, 'csv', 'data.csv.gz')).toBe(
      'data.csv.gz is a gzip-compressed file: decompress it and upload the CSV.',
    );
    expect(contentRefusal(HEADS.bzip2, 'ndjson', 'rows.ndjson')).toBe(
      'rows.ndjson is a bzip2-compressed file: decompress it and upload the NDJSON.',
    );
    expect(contentRefusal(HEADS.xz, 'tsv', 'data.tsv')).toMatch(/^data\.tsv is an xz-compressed file/);
    expect(contentRefusal(HEADS.zstd, 'xlsx', 'book.xlsx')).toMatch(/^book\.xlsx is a zstd-compressed file/);
  });

  it('asks for the file inside an archive', () => {
    expect(contentRefusal(HEADS.sevenZip, 'csv', 'data.csv')).toBe(
      'data.csv is not a CSV file: it looks like a 7-Zip archive. Extract the CSV from it and upload that.',
    );
    expect(contentRefusal(HEADS.rar, 'csv', 'data.csv')).toMatch(/it looks like a RAR archive/);
  });

  it('refuses a ZIP for every text format, with a word for the workbook renamed .csv', () => {
    for (const format of TEXT_FORMATS) {
      for (const head of [HEADS.zip, HEADS.emptyZip, HEADS.spannedZip]) {
        expect(contentRefusal(head, format, 'data')).toMatch(
          /^data is not an? \w+ file: it looks like a ZIP archive\. If it is an Excel workbook, upload it with an \.xlsx name/,
        );
      }
    }
  });

  it('lets any ZIP through as XLSX: whether it holds a workbook is for the XLSX reader to say', () => {
    expect(contentRefusal(HEADS.zip, 'xlsx', 'book.xlsx')).toBeUndefined();
    expect(contentRefusal(HEADS.emptyZip, 'xlsx', 'book.xlsx')).toBeUndefined();
    expect(contentRefusal(HEADS.spannedZip, 'xlsx', 'book.xlsx')).toBeUndefined();
  });

  it('refuses a legacy Office file, and as XLSX mentions that a password-protected workbook is one too', () => {
    expect(contentRefusal(HEADS.ole2, 'csv', 'old.csv')).toBe(
      'old.csv is not a CSV file: it looks like a legacy Excel 97–2003 (.xls) or other Office file: save it as .xlsx or CSV.',
    );
    expect(contentRefusal(HEADS.ole2, 'xlsx', 'old.xlsx')).toBe(
      'old.xlsx is not an XLSX workbook: it looks like a legacy Excel 97–2003 (.xls) or other Office file, ' +
        'or a password-protected workbook: save it as .xlsx without a password, or as CSV.',
    );
  });

  it('refuses as XLSX anything that is not a ZIP, saying when it is text', () => {
    expect(contentRefusal(utf8('a,b\n1,2\n'), 'xlsx', 'data.xlsx')).toBe(
      'data.xlsx is not an XLSX workbook: it holds text, not a ZIP archive as every .xlsx file is. ' +
        'If it is a CSV, upload it with a .csv name.',
    );
    expect(contentRefusal(bytes([0x00, 0x01, 0x02, 0xff]), 'xlsx', 'data.xlsx')).toBe(
      'data.xlsx is not an XLSX workbook: it is not a ZIP archive, as every .xlsx file is.',
    );
    expect(contentRefusal(new Uint8Array(0), 'xlsx', 'data.xlsx')).toBe(
      'data.xlsx is empty, so it is not an XLSX workbook.',
    );
  });

  it('refuses text formats holding NUL bytes in the first 8 KiB as binary, saying where the first is', () => {
    const head = Uint8Array.from([...utf8('id,name\n1,'), 0x00, 0x07, 0x00, 0x00, 0x42]);
    for (const format of TEXT_FORMATS) {
      expect(contentRefusal(head, format, 'dump')).toMatch(
        /^dump is not an? \w+ file: it holds NUL bytes \(the first at byte 10\): it is a binary file, not text\.$/,
      );
    }
  });

  it('looks for NUL bytes in the first 8 KiB only', () => {
    const head = Uint8Array.from([...utf8('a'.repeat(NUL_WINDOW)), 0x00]);
    expect(contentRefusal(head, 'csv', 'data.csv')).toBeUndefined();
  });

  it('lets UTF-16 through, with a BOM or without, though every ASCII character of it comes with a NUL', () => {
    const text = 'name,city\nZoë,Zürich\n山田,東京\n';
    expect(contentRefusal(Buffer.from(`\uFEFF${text}`, 'utf16le'), 'csv', 'data.csv')).toBeUndefined();
    expect(
      contentRefusal(Buffer.from(`\uFEFF${text}`, 'utf16le').swap16(), 'csv', 'data.csv'),
    ).toBeUndefined();
    expect(contentRefusal(Buffer.from(text, 'utf16le'), 'csv', 'data.csv')).toBeUndefined();
    expect(contentRefusal(Buffer.from(text, 'utf16le').swap16(), 'tsv', 'data.tsv')).toBeUndefined();
  });

  it('refuses UTF-32 by name rather than as binary', () => {
    const utf32 = Uint8Array.from([0xff, 0xfe, 0, 0, ...[...utf8('a,b\n')].flatMap((b) => [b, 0, 0, 0])]);
    expect(contentRefusal(utf32, 'csv', 'data.csv')).toBe(
      'data.csv is UTF-32LE text, which partwise does not read: save it as UTF-8.',
    );
  });

  it('lets text through whatever its encoding, including text that starts like a signature', () => {
    expect(contentRefusal(utf8('name,city\nZoë,Paris\n'), 'csv', 'data.csv')).toBeUndefined();
    expect(contentRefusal(bytes('name\n', [0x5a, 0x6f, 0xeb, 0x0a]), 'csv', 'latin1.csv')).toBeUndefined();
    expect(contentRefusal(utf8('[{"a":1}]'), 'json', 'rows.json')).toBeUndefined();
    expect(contentRefusal(utf8('PAR1,PAR2\n1,2\n'), 'csv', 'pars.csv')).toBeUndefined();
    expect(contentRefusal(utf8('BZh9,code\n1,2\n'), 'csv', 'codes.csv')).toBeUndefined();
    expect(contentRefusal(new Uint8Array(0), 'csv', 'empty.csv')).toBeUndefined();
  });
});
