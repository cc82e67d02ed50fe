/**
 * The csv-spectrum acid-test corpus (https://github.com/maxogden/csv-spectrum): each CSV read as
 * partwise reads an uploaded file (encoding detected, delimiter detected, the first row the
 * header, the rest planned into byte-range parts and parsed part by part), its records keyed by
 * the header, against the JSON the corpus gives for it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CsvLayout } from '../../../shared/formats/csv/boundaries.js';
import { planCsvLayoutInRanges, type RangeReader } from '../../../shared/formats/csv/ranged-plan.js';
import { parseCsvRows } from '../../../shared/formats/csv/rows.js';
import type { Encoding } from '../../../shared/formats/encoding.js';
import { detectEncoding } from '../../../shared/formats/encoding-detect.js';
import { chunked } from './csv-fixtures.js';

const corpus = dirname(createRequire(import.meta.url).resolve('csv-spectrum/package.json'));
const names = readdirSync(join(corpus, 'csvs'))
  .filter((file) => file.endsWith('.csv'))
  .map((file) => file.slice(0, -'.csv'.length))
  .sort();

type CsvRecord = Record<string, string>;

/**
 * Where the corpus's JSON is wrong about its own CSV, the record the CSV really holds.
 *
 * location_coordinates: its JSON is one object, not an array of records; and it gives the
 * phone number as 1234567890 where the CSV says 2095257564 (the CSV is the input, so its
 * number is the right one). The degree signs are not an erratum of the JSON: both files hold
 * U+FFFD, as valid UTF-8 (EF BF BD), where the coordinates had `°`; the sign was lost before
 * the corpus was published, and the file is read as the UTF-8 it is (a test below reads the
 * row as a Latin-1 export writes it).
 */
const ERRATA: Record<string, (json: unknown) => CsvRecord[]> = {
  location_coordinates: (json) => [{ ...(json as CsvRecord), 'Contact Phone Number': '2095257564' }],
};

function corpusFile(name: string): { bytes: Buffer; expected: CsvRecord[] } {
  const bytes = readFileSync(join(corpus, 'csvs', `${name}.csv`));
  const json: unknown = JSON.parse(readFileSync(join(corpus, 'json', `${name}.json`), 'utf8'));
  const erratum = ERRATA[name];
  return { bytes, expected: erratum ? erratum(json) : (json as CsvRecord[]) };
}

/** The encoding partwise detects for a whole file, as it does when an extract is planned. */
function detectedEncoding(bytes: Uint8Array, fileName: string): Encoding {
  const verdict = detectEncoding(bytes, { complete: true, fileName });
  if ('refused' in verdict) throw new Error(verdict.refused);
  return verdict.encoding;
}

/**
 * The file read as an extract reads it: planned (ranges read in chunks of `chunkSize`), each
 * part parsed alone, each row keyed by the header. A row of another width than the header's
 * fails here, so keying cannot hide a missing or an extra cell.
 */
async function readAsPartwise(bytes: Uint8Array, partSize: number, chunkSize: number, fileName: string) {
  const encoding = detectedEncoding(bytes, fileName);
  const read: RangeReader = async (start, end) => chunked(bytes.subarray(start, end), chunkSize);
  const layout: CsvLayout = await planCsvLayoutInRanges(read, bytes.length, {
    partSize,
    delimiter: 'auto',
    encoding,
  });
  const records: CsvRecord[] = [];
  for (let i = 0; i + 1 < layout.boundaries.length; i++) {
    const part = chunked(bytes.subarray(layout.boundaries[i], layout.boundaries[i + 1]), chunkSize);
    for await (const rows of parseCsvRows(part, { delimiter: layout.delimiter, encoding })) {
      for (const cells of rows) {
        expect(cells, `a row of ${fileName}`).toHaveLength(layout.header.length);
        records.push(Object.fromEntries(layout.header.map((key, cell) => [key, cells[cell] as string])));
      }
    }
  }
  return { layout, records };
}

describe('the csv-spectrum corpus', () => {
  it('holds the files this test was written against', () => {
    expect(names).toEqual([
      'comma_in_quotes',
      'empty',
      'empty_crlf',
      'escaped_quotes',
      'json',
      'location_coordinates',
      'newlines',
      'newlines_crlf',
      'quotes_and_newlines',
      'simple',
      'simple_crlf',
      'utf8',
    ]);
  });

  for (const name of names) {
    it(`reads ${name}.csv into the records of ${name}.json, in one part or many`, async () => {
      // Prepare
      const { bytes, expected } = corpusFile(name);
      // Act
      const whole = await readAsPartwise(bytes, bytes.length, 65_536, `${name}.csv`);
      // Assess
      expect(whole.layout).toMatchObject({ delimiter: ',', bomLength: 0 });
      expect(whole.layout.header).toEqual(Object.keys(expected[0] ?? {}));
      expect(whole.records).toEqual(expected);
      // Every part size down to one byte, read in chunks down to one byte, gives the same records.
      for (const partSize of [1, 2, 3, 5, 8, 13, 21, 34]) {
        for (const chunkSize of [1, 7]) {
          const { layout, records } = await readAsPartwise(bytes, partSize, chunkSize, `${name}.csv`);
          expect(records, `${partSize}-byte parts, ${chunkSize}-byte chunks`).toEqual(expected);
          if (partSize === 1) expect(layout.boundaries).toHaveLength(bytes.length + 1);
        }
      }
    });
  }

  it('reads the coordinates of location_coordinates.csv as the UTF-8 the corpus holds', async () => {
    // Prepare: the corpus's own bytes, U+FFFD where a degree sign was.
    const { bytes } = corpusFile('location_coordinates');
    // Act
    const { layout, records } = await readAsPartwise(bytes, 16, 5, 'location_coordinates.csv');
    // Assess
    expect(layout.encoding).toBe('utf-8');
    expect(records).toEqual([
      {
        'Contact Phone Number': '2095257564',
        'Location Coordinates': '37\uFFFD36\'37.8"N 121\uFFFD2\'17.9"W',
        Cities: 'Modesto',
        Counties: 'Stanislaus',
      },
    ]);
  });

  it('reads the same row written in Latin-1, a degree sign as the byte B0, in parts of any size', async () => {
    // Prepare: the corpus's row with its degree signs back, as a Latin-1 export writes it.
    const text = readFileSync(join(corpus, 'csvs', 'location_coordinates.csv'), 'utf8').replaceAll(
      '\uFFFD',
      '°',
    );
    const bytes = Buffer.from(text, 'latin1');
    expect(bytes.filter((byte) => byte === 0xb0)).toHaveLength(2);
    for (const partSize of [1, 4, 64, bytes.length]) {
      // Act
      const { layout, records } = await readAsPartwise(bytes, partSize, 3, 'location_coordinates.csv');
      // Assess
      expect(layout.encoding).toBe('latin1');
      expect(records, `${partSize}-byte parts`).toEqual([
        {
          'Contact Phone Number': '2095257564',
          'Location Coordinates': '37°36\'37.8"N 121°2\'17.9"W',
          Cities: 'Modesto',
          Counties: 'Stanislaus',
        },
      ]);
    }
  });
});
