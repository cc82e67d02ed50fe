import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UnprocessableError, ValidationError } from '../../../shared/domain/errors.js';
import { readJsonArray, writeJson } from '../../../shared/formats/json/array.js';
import { readNdjson, writeNdjson } from '../../../shared/formats/json/ndjson.js';
import { bytesOf, chunked, splitAt, streamOf, tableArbitrary, tableOf, utf8 } from './format-fixtures.js';

const ndjson = (text: string, options?: Parameters<typeof readNdjson>[1], chunkSize = 65536) =>
  tableOf(readNdjson(chunked(utf8(text), chunkSize), options));
const jsonArray = (text: string, options?: Parameters<typeof readJsonArray>[1], chunkSize = 65536) =>
  tableOf(readJsonArray(chunked(utf8(text), chunkSize), options));

describe('readNdjson', () => {
  it('makes the header the union of keys in first-seen order, a missing key an empty cell', async () => {
    expect(await ndjson('{"a":1,"b":"x"}\n{"c":true,"a":2}\n')).toEqual({
      header: ['a', 'b', 'c'],
      rows: [
        ['1', 'x', ''],
        ['2', '', 'true'],
      ],
    });
  });

  it('turns values into text: null empty, objects and arrays as compact JSON', async () => {
    const { rows } = await ndjson('{"n":null,"o":{"x": [1, 2]},"f":1.5,"e":1e3,"s":"é\\n"}\n');
    expect(rows).toEqual([['', '{"x":[1,2]}', '1.5', '1000', 'é\n']]);
  });

  it('keeps every digit of an integer too long for a JavaScript number', async () => {
    const { rows } = await ndjson('{"id":12345678901234567890,"small":42,"s":"12345678901234567890"}\n');
    expect(rows).toEqual([['12345678901234567890', '42', '12345678901234567890']]);
  });

  it('keeps the order of integer-like keys as the text has it', async () => {
    expect((await ndjson('{"b":1,"10":2,"a":3,"2":4}\n')).header).toEqual(['b', '10', 'a', '2']);
  });

  it('appends a key first seen after the sample to the same header array, for the rows from then on', async () => {
    const table = await readNdjson(chunked(utf8('{"a":1}\n{"a":2}\n{"a":3,"late":"x"}\n'), 8), {
      sampleRecords: 1,
    });
    const header = table.header;
    expect(header).toEqual(['a']);
    const rows: string[][] = [];
    for await (const batch of table.rows) rows.push(...batch);
    expect(table.header).toBe(header);
    expect(header).toEqual(['a', 'late']);
    expect(rows).toEqual([['1'], ['2'], ['3', 'x']]);
  });

  it('starts from the header it is given without sampling', async () => {
    expect(await ndjson('{"b":1,"a":2}\n', { header: ['a', 'b'] })).toEqual({
      header: ['a', 'b'],
      rows: [['2', '1']],
    });
  });

  it('skips blank lines and accepts CRLF line ends and a last line without a newline', async () => {
    expect((await ndjson('\n{"a":1}\r\n  \r\n{"a":2}')).rows).toEqual([['1'], ['2']]);
  });

  it('fails on a malformed or non-object line when nothing takes rejections, naming the line', async () => {
    await expect(ndjson('{"a":1}\n{"a":\n')).rejects.toThrow(/NDJSON line 2 is not valid JSON/);
    await expect(ndjson('{"a":1}\n\n[1]\n')).rejects.toThrow(/NDJSON line 3 is a JSON array, not an object/);
    await expect(ndjson('7\n')).rejects.toThrow(UnprocessableError);
  });

  it('fails on a line longer than maxRecordChars instead of holding it whole', async () => {
    const text = `{"a":1}\n{"a":"${'x'.repeat(200)}"}\n`;
    await expect(ndjson(text, { maxRecordChars: 100 }, 16)).rejects.toThrow(
      /NDJSON line 2 is longer than 100/,
    );
    expect((await ndjson(text, { maxRecordChars: 300 }, 16)).rows).toHaveLength(2);
  });

  it('reads the same rows whatever byte a chunk boundary falls on', async () => {
    const bytes = utf8('{"k":"é漢😀","n":1}\n{"k":"\\"}\\\\","n":2}\n');
    for (let cut = 0; cut <= bytes.length; cut++) {
      expect((await tableOf(readNdjson(splitAt(bytes, cut)))).rows).toEqual([
        ['é漢😀', '1'],
        ['"}\\', '2'],
      ]);
    }
  });
});

describe('readJsonArray', () => {
  it('reads an array of objects with the same rules as NDJSON', async () => {
    expect(await jsonArray('[{"a":1,"b":"x"},\n {"c":null,"a":[true]}]')).toEqual({
      header: ['a', 'b', 'c'],
      rows: [
        ['1', 'x', ''],
        ['[true]', '', ''],
      ],
    });
  });

  it('reads an empty array, an empty or blank text as no rows, and whitespace around everything', async () => {
    expect(await jsonArray(' \n[ ] \n')).toEqual({ header: [], rows: [] });
    expect(await jsonArray('')).toEqual({ header: [], rows: [] });
    expect(await jsonArray(' \n\n')).toEqual({ header: [], rows: [] });
    expect(await jsonArray('\uFEFF[\n  {"a": 1}\n]\n')).toEqual({ header: ['a'], rows: [['1']] });
  });

  it('finds element ends correctly past braces, brackets and escaped quotes inside strings', async () => {
    const text = '[{"s":"}]\\"{[\\\\","t":{"u":"]"}},{"s":"\\\\\\""}]';
    for (let cut = 0; cut <= text.length; cut++) {
      expect((await tableOf(readJsonArray(splitAt(utf8(text), cut)))).rows).toEqual([
        ['}]"{[\\', '{"u":"]"}'],
        ['\\"', ''],
      ]);
    }
  });

  it('reads the same rows when every chunk is one byte', async () => {
    expect((await jsonArray('[{"k":"é漢😀"},{"k":"2"}]', {}, 1)).rows).toEqual([['é漢😀'], ['2']]);
  });

  it('fails on an element longer than maxRecordChars, such as one with an unclosed string', async () => {
    const text = `[{"a":1},{"a":"${'x'.repeat(200)}`;
    await expect(jsonArray(text, { maxRecordChars: 100 }, 16)).rejects.toThrow(
      /element 2 on line 1 is longer than 100/,
    );
  });

  it('refuses text that is not an array of objects, saying what is wrong and on which line', async () => {
    await expect(jsonArray('{"a":1}')).rejects.toThrow(/does not start with "\[" \(line 1\)/);
    await expect(jsonArray('[{"a":1},\n2]')).rejects.toThrow(
      /element 2 on line 2 is a number, not an object/,
    );
    await expect(jsonArray('[{"a":1}\n {"a":2}]')).rejects.toThrow(
      /expected "," or "\]", found "\{" \(line 2\)/,
    );
    await expect(jsonArray('[{"a":1},]')).rejects.toThrow(/element 2 on line 1 is an empty element/);
    await expect(jsonArray('[{"a":1}')).rejects.toThrow(/ends before the closing/);
    await expect(jsonArray('[{"a":1}]\n\n x')).rejects.toThrow(/text after the closing "\]" \(line 3\)/);
    await expect(jsonArray('[{"a":tru}]')).rejects.toThrow(/element 1 on line 1 is not valid JSON/);
  });
});

describe('writeNdjson and writeJson', () => {
  it('write one object per row, every value a string, leaving out missing cells', async () => {
    const table = { header: ['a', 'b'], rows: [[['1', 'x'], ['2']]] };
    expect((await bytesOf(writeNdjson(table))).toString()).toBe('{"a":"1","b":"x"}\n{"a":"2"}\n');
    expect((await bytesOf(writeJson(table))).toString()).toBe('[\n{"a":"1","b":"x"},\n{"a":"2"}\n]\n');
  });

  it('write typed cells with their JSON type: numbers, booleans, and null as null', async () => {
    const table = { header: ['s', 'n', 'b', 'none'], rows: [[['1', -1.5, true, null]]] };
    expect((await bytesOf(writeNdjson(table))).toString()).toBe('{"s":"1","n":-1.5,"b":true,"none":null}\n');
    expect(JSON.parse((await bytesOf(writeJson(table))).toString())).toEqual([
      { s: '1', n: -1.5, b: true, none: null },
    ]);
  });

  it('write an empty table as nothing (NDJSON) and an empty array (JSON)', async () => {
    expect((await bytesOf(writeNdjson({ header: ['a'], rows: [] }))).length).toBe(0);
    const json = (await bytesOf(writeJson({ header: ['a'], rows: [] }))).toString();
    expect(JSON.parse(json)).toEqual([]);
  });

  it('refuses a header with a repeated name, which would make two columns one key', async () => {
    await expect(bytesOf(writeNdjson({ header: ['a', 'a'], rows: [] }))).rejects.toThrow(ValidationError);
    await expect(bytesOf(writeJson({ header: ['a', 'a'], rows: [] }))).rejects.toThrow(ValidationError);
  });

  it('writes a JSON array in pieces that concatenate to one valid array, empty pieces included', async () => {
    const piece = (rows: string[][], options: Parameters<typeof writeJson>[1]) =>
      bytesOf(writeJson({ header: ['n'], rows: [rows] }, options));
    const pieces = [
      await piece([], { close: false }),
      await piece([['1'], ['2']], { open: false, close: false }),
      await piece([], { open: false, close: false, afterRows: true }),
      await piece([['3']], { open: false, afterRows: true }),
    ];
    expect(JSON.parse(Buffer.concat(pieces).toString())).toEqual([{ n: '1' }, { n: '2' }, { n: '3' }]);
  });
});

describe('NDJSON and JSON round trips', () => {
  for (const [name, write, read] of [
    ['NDJSON', writeNdjson, readNdjson],
    ['JSON', writeJson, readJsonArray],
  ] as const) {
    it(`reads back any ${name} it writes to the same header and rows, in any chunking`, async () => {
      await fc.assert(
        fc.asyncProperty(tableArbitrary, fc.integer({ min: 1, max: 64 }), async (table, chunkSize) => {
          const bytes = await bytesOf(write({ header: table.header, rows: [table.rows] }));
          const back = await tableOf(read(chunked(bytes, chunkSize), { header: table.header }));
          expect(back).toEqual(table);
          // Without a header given, the keys come back in order from the data (when there is any).
          if (table.rows.length > 0) {
            expect((await tableOf(read(streamOf(bytes)))).header).toEqual(table.header);
          }
        }),
        { numRuns: 300 },
      );
    });
  }
});
