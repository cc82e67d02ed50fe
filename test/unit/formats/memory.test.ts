/**
 * The JSON readers stream: reading a ~50 MB input keeps the live heap far below the input's
 * size; the XLSX writer holds back its rows while the zip lags. Memory is measured after a
 * forced full GC at regular points, so the figure is what is really held (heap and buffers),
 * not garbage that V8 has yet to collect; no timing is asserted.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { readJsonArray } from '../../../shared/formats/json/array.js';
import { readNdjson } from '../../../shared/formats/json/ndjson.js';
import type { Row, TableReader } from '../../../shared/formats/table.js';
import { writeXlsx } from '../../../shared/formats/xlsx/write.js';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
/** Live memory: the heap plus the buffers outside it (where streams keep their bytes). */
const held = () => {
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
};

const INPUT_BYTES = 50 * 1024 * 1024;
const CHUNK_BYTES = 64 * 1024;

/** ~50 MB of records made as they are read, in 64 KiB chunks; `sent.bytes` counts what went out. */
function generated(
  shape: 'ndjson' | 'json',
  sent: { bytes: number; rows: number },
): AsyncGenerator<Uint8Array> {
  return (async function* () {
    let text = shape === 'json' ? '[' : '';
    for (let id = 0; sent.bytes + text.length < INPUT_BYTES; id++) {
      const record = `{"id":${id},"name":"row ${id}","city":"Zürich","note":"${'x'.repeat(id % 50)}","ok":${id % 2 === 0}}`;
      text += shape === 'json' ? (id === 0 ? record : `,\n${record}`) : `${record}\n`;
      sent.rows++;
      if (text.length >= CHUNK_BYTES) {
        const chunk = Buffer.from(text, 'utf8');
        sent.bytes += chunk.length;
        text = '';
        yield chunk;
      }
    }
    const last = Buffer.from(shape === 'json' ? `${text}]` : text, 'utf8');
    sent.bytes += last.length;
    yield last;
  })();
}

/** Reads every row; returns the rows read and the largest live-heap growth seen. */
async function readMeasured(open: () => Promise<TableReader>, sent: { bytes: number }) {
  gc();
  const base = held();
  let peak = 0;
  let rows = 0;
  let nextCheck = 0;
  const table = await open();
  for await (const batch of table.rows) {
    rows += batch.length;
    if (sent.bytes >= nextCheck) {
      nextCheck += 4 * 1024 * 1024;
      gc();
      peak = Math.max(peak, held() - base);
    }
  }
  return { rows, peak };
}

describe('reading large JSON streams', () => {
  for (const [name, shape, read] of [
    ['NDJSON', 'ndjson', readNdjson],
    ['a JSON array', 'json', readJsonArray],
  ] as const) {
    it(`reads ~50 MB of ${name} with live heap growth under 25% of the input`, async () => {
      // Prepare
      const sent = { bytes: 0, rows: 0 };
      // Act
      const { rows, peak } = await readMeasured(() => read(generated(shape, sent)), sent);
      // Assess
      expect(sent.bytes).toBeGreaterThan(INPUT_BYTES - CHUNK_BYTES);
      expect(rows).toBe(sent.rows);
      expect(peak).toBeLessThan(sent.bytes * 0.25);
    });
  }
});

/** The uncompressed size of each entry, from a zip's central directory (in its last bytes). */
function entrySizes(tail: Buffer): Map<string, number> {
  const sizes = new Map<string, number>();
  for (let at = tail.indexOf('PK\x01\x02'); at !== -1; at = tail.indexOf('PK\x01\x02', at + 4)) {
    const nameLength = tail.readUInt16LE(at + 28);
    sizes.set(tail.subarray(at + 46, at + 46 + nameLength).toString(), tail.readUInt32LE(at + 24));
  }
  return sizes;
}

describe('writing a large XLSX', () => {
  it('holds rows back while the deflate lags, so memory stays under 25% of the sheet XML', async () => {
    // Prepare: 100,000 rows made as they are asked for.
    function* rows(): Generator<Row[]> {
      for (let start = 0; start < 100_000; start += 1000) {
        const batch: Row[] = [];
        for (let id = start; id < start + 1000; id++) {
          batch.push([
            String(id),
            `name ${id}`,
            'Zürich',
            `note ${'x'.repeat(id % 60)}`,
            String(id % 2 === 0),
          ]);
        }
        yield batch;
      }
    }
    gc();
    const base = held();
    let peak = 0;
    let chunks = 0;
    const tail: Buffer[] = []; // the last chunks only, for the central directory
    // Act
    for await (const chunk of writeXlsx({ header: ['id', 'name', 'city', 'note', 'ok'], rows: rows() })) {
      tail.push(Buffer.from(chunk));
      if (tail.length > 4) tail.shift();
      if (++chunks % 20 === 0) {
        gc();
        peak = Math.max(peak, held() - base);
      }
    }
    // Assess
    const xmlBytes = entrySizes(Buffer.concat(tail)).get('xl/worksheets/sheet1.xml') ?? 0;
    expect(xmlBytes).toBeGreaterThan(20_000_000);
    expect(peak).toBeLessThan(xmlBytes * 0.25);
  });
});
