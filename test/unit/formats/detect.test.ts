import { describe, expect, it } from 'vitest';
import { detectFormat } from '../../../shared/formats/detect.js';
import { utf8 } from './format-fixtures.js';

const csv = utf8('a,b\n1,2\n');
const zip = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00]);

describe('detectFormat', () => {
  it('goes by the extension first, in any case', () => {
    expect(detectFormat('data.CSV', undefined, zip)).toBe('csv');
    expect(detectFormat('data.tsv', 'text/csv', csv)).toBe('tsv');
    expect(detectFormat('book.xlsx', undefined, csv)).toBe('xlsx');
  });

  it('goes by the media type when the name says nothing, ignoring parameters', () => {
    expect(detectFormat('upload', 'text/csv; charset=utf-8', zip)).toBe('csv');
    expect(detectFormat(undefined, 'text/tab-separated-values', csv)).toBe('tsv');
    expect(
      detectFormat('x.bin', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', csv),
    ).toBe('xlsx');
  });

  it('lets the content choose between JSON and NDJSON whatever the name or type claims', () => {
    expect(detectFormat('rows.json', undefined, utf8('{"a":1}\n{"a":2}\n'))).toBe('ndjson');
    expect(detectFormat('rows.jsonl', undefined, utf8('  [\n{"a":1}]'))).toBe('json');
    expect(detectFormat(undefined, 'application/x-ndjson', utf8('{"a":1}'))).toBe('ndjson');
    expect(detectFormat('empty.json', undefined, new Uint8Array(0))).toBe('json');
  });

  it('sniffs the content when neither name nor type tells: zip, [, {, else delimited text', () => {
    expect(detectFormat('upload', undefined, zip)).toBe('xlsx');
    expect(detectFormat(undefined, 'application/octet-stream', utf8('\n [{"a":1}]'))).toBe('json');
    expect(detectFormat('data.txt', 'text/plain', utf8('{"a":1}\n'))).toBe('ndjson');
    expect(detectFormat('data.txt', undefined, utf8('a\tb\n1\t2\n'))).toBe('tsv');
    expect(detectFormat('data.txt', undefined, utf8('a;b\n1;2\n'))).toBe('csv');
  });

  it('sniffs through a BOM, UTF-16 included', () => {
    expect(detectFormat(undefined, undefined, Buffer.from('\uFEFF[{"a":1}]', 'utf8'))).toBe('json');
    expect(detectFormat(undefined, undefined, Buffer.from('\uFEFFa\tb\n1\t2\n', 'utf16le'))).toBe('tsv');
  });

  it('recognizes nothing in a legacy binary .xls', () => {
    expect(
      detectFormat('old.dat', undefined, new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1])),
    ).toBeUndefined();
  });
});
