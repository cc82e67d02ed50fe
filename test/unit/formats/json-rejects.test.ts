import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UnprocessableError } from '../../../shared/domain/errors.js';
import { jsonArrayRecords, readJsonArray } from '../../../shared/formats/json/array.js';
import { ndjsonRecords, readNdjson } from '../../../shared/formats/json/ndjson.js';
import { newRowLedger, type RecordRejection } from '../../../shared/formats/json/records.js';
import { chunked, splitAt, tableOf, utf8 } from './format-fixtures.js';

type Reader = typeof readNdjson | typeof readJsonArray;

/** Reads `text` taking rejections: the rows, every rejection, and the ledger. */
async function readTaking(read: Reader, bytes: AsyncIterable<Uint8Array> | string, chunkSize = 65536) {
  const rejections: RecordRejection[] = [];
  const ledger = newRowLedger();
  const source = typeof bytes === 'string' ? chunked(utf8(bytes), chunkSize) : bytes;
  const { rows } = await tableOf(read(source, { onReject: (r) => rejections.push(r), ledger }));
  return { rows, rejections, ledger };
}

async function* textPieces(...pieces: string[]) {
  yield* pieces;
}

/** `text` in pieces of `size` characters, as a decoder hands them out. */
const piecesOf = (text: string, size: number) =>
  textPieces(
    ...Array.from({ length: Math.ceil(text.length / size) }, (_, i) => text.slice(i * size, (i + 1) * size)),
  );

async function drain(records: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of records);
}

describe('NDJSON lines that are not objects', () => {
  it('rejects a malformed line in the middle with its line and reason, and reads on', async () => {
    const { rows, rejections, ledger } = await readTaking(readNdjson, '{"a":1}\n{"a":}\n{"a":3}\n');
    expect(rows).toEqual([['1'], ['3']]);
    expect(rejections).toEqual([{ line: 2, reason: expect.stringMatching(/^not valid JSON: /) }]);
    expect(ledger).toEqual({ read: 3, rejected: 1, lines: 3 });
  });

  it('rejects a first line and a last line without a line end', async () => {
    const { rows, rejections, ledger } = await readTaking(readNdjson, 'oops\n{"a":1}\n{"a":2}\n{"a"');
    expect(rows).toEqual([['1'], ['2']]);
    expect(rejections.map((r) => r.line)).toEqual([1, 4]);
    expect(ledger).toEqual({ read: 4, rejected: 2, lines: 4 });
  });

  it('says what a line holds when it is JSON but no object', async () => {
    const text = '42\n"x"\n[1,2]\nnull\ntrue\n{"a":1}\n';
    const { rows, rejections } = await readTaking(readNdjson, text);
    expect(rows).toEqual([['1']]);
    expect(rejections).toEqual([
      { line: 1, reason: 'a number, not an object' },
      { line: 2, reason: 'a string, not an object' },
      { line: 3, reason: 'a JSON array, not an object' },
      { line: 4, reason: 'null, not an object' },
      { line: 5, reason: 'a boolean, not an object' },
    ]);
  });

  it('numbers lines exactly with CRLF line ends and blank lines, which are no rows', async () => {
    const text = '\r\n{"a":1}\r\n  \r\n{bad}\r\n\r\n{"a":2}\r\n[3]';
    const { rows, rejections, ledger } = await readTaking(readNdjson, text);
    expect(rows).toEqual([['1'], ['2']]);
    expect(rejections.map((r) => r.line)).toEqual([4, 7]);
    expect(ledger).toEqual({ read: 4, rejected: 2, lines: 7 });
  });

  it('gives the same rejections whatever byte a chunk boundary falls on', async () => {
    const bytes = utf8('{"k":"é漢😀"}\n{"k":\n\n7\n{"k":"2"}');
    for (let cut = 0; cut <= bytes.length; cut++) {
      const { rows, rejections, ledger } = await readTaking(readNdjson, splitAt(bytes, cut));
      expect(rows).toEqual([['é漢😀'], ['2']]);
      expect(rejections.map((r) => r.line)).toEqual([2, 4]);
      expect(ledger).toEqual({ read: 4, rejected: 2, lines: 5 });
    }
  });

  it('numbers the lines of a part from its own start; the lines of the parts before it give its offset', async () => {
    // Prepare: a file cut at a line start into two parts, as an extract plans it.
    const parts = ['{"a":1}\nbad\n\n', '{"a":2}\nworse\n'];
    const ledger = newRowLedger();
    const found: RecordRejection[] = [];
    // Act
    for (const part of parts) {
      const before = ledger.lines;
      const onReject = (r: RecordRejection) => found.push({ ...r, line: r.line + before });
      await drain(ndjsonRecords(textPieces(part), { onReject, ledger }));
    }
    // Assess: the lines of the whole file.
    expect(found.map((r) => r.line)).toEqual([2, 5]);
    expect(ledger).toEqual({ read: 4, rejected: 2, lines: 5 });
  });

  it('still fails on a line longer than maxRecordChars, naming the line, whatever the chunks', async () => {
    const text = `{"a":1}\nbad\n{"a":"${'x'.repeat(200)}"}\n{"a":2}\n`;
    for (const size of [16, 65536]) {
      const records = ndjsonRecords(piecesOf(text, size), { maxRecordChars: 100, onReject: () => {} });
      await expect(drain(records)).rejects.toThrow(/NDJSON line 3 is longer than 100 characters/);
    }
  });
});

describe('JSON array elements that are not objects', () => {
  it('rejects a non-object and a broken element between good ones, and reads on', async () => {
    const text = '[{"a":1}, 42, {"a":2}, {"a":tru}, {"a":3}]';
    const { rows, rejections, ledger } = await readTaking(readJsonArray, text);
    expect(rows).toEqual([['1'], ['2'], ['3']]);
    expect(rejections).toEqual([
      { line: 1, reason: 'a number, not an object' },
      { line: 1, reason: expect.stringMatching(/^not valid JSON: /) },
    ]);
    expect(ledger).toEqual({ read: 5, rejected: 2, lines: 1 });
  });

  it('gives each rejection of a pretty-printed array the line its element starts on', async () => {
    const text = [
      '[', //                            1
      '  {', //                          2
      '    "a": 1', //                   3
      '  },', //                         4
      '  [', //                          5  an array over three lines
      '    1, 2', //                     6
      '  ],', //                         7
      '  "a string, with ] inside",', // 8
      '  {', //                          9  broken: a single-quoted key
      "    'a': 2", //                   10
      '  },', //                         11
      '  null, true,', //                12 two elements on one line
      '  {"a": 3}', //                   13
      ']', //                            14
      '',
    ].join('\n');
    const { rows, rejections, ledger } = await readTaking(readJsonArray, text);
    expect(rows).toEqual([['1'], ['3']]);
    expect(rejections.map((r) => [r.line, r.reason.replace(/:.*/, '')])).toEqual([
      [5, 'a JSON array, not an object'],
      [8, 'a string, not an object'],
      [9, 'not valid JSON'],
      [12, 'null, not an object'],
      [12, 'a boolean, not an object'],
    ]);
    expect(ledger).toEqual({ read: 7, rejected: 5, lines: 14 });
  });

  it('rejects empty elements between commas and before the closing bracket', async () => {
    const { rows, rejections } = await readTaking(readJsonArray, '[{"a":1},,\n{"a":2},\n]');
    expect(rows).toEqual([['1'], ['2']]);
    expect(rejections).toEqual([
      { line: 1, reason: 'an empty element, not an object' },
      { line: 3, reason: 'an empty element, not an object' },
    ]);
  });

  it('gives the same rejections whatever byte a chunk boundary falls on', async () => {
    const bytes = utf8('[{"k":"é漢😀"},\r\n-12.5e3 ,"\\"]",\r\n[{"k":1}],nope,{"k":"2"}]');
    for (let cut = 0; cut <= bytes.length; cut++) {
      const { rows, rejections, ledger } = await readTaking(readJsonArray, splitAt(bytes, cut));
      expect(rows).toEqual([['é漢😀'], ['2']]);
      expect(rejections.map((r) => r.line)).toEqual([2, 2, 3, 3]);
      expect(ledger).toEqual({ read: 6, rejected: 4, lines: 3 });
    }
  });

  it('still fails, with the line, where the structure cannot be resynchronised', async () => {
    const fails = (text: string) => readTaking(readJsonArray, text);
    await expect(fails('\n{"a":1}')).rejects.toThrow(/does not start with "\[" \(line 2\)/);
    await expect(fails('[1\n 2]')).rejects.toThrow(/expected "," or "\]", found "2" \(line 2\)/);
    await expect(fails('[{"a":1}\n,{"a":2}]\n,')).rejects.toThrow(/text after the closing "\]" \(line 3\)/);
    await expect(fails('[{"a":1},\n{"a":"open')).rejects.toThrow(
      /ends before the closing "\]", inside element 2 from line 2/,
    );
    await expect(fails('[{"a":1},\n')).rejects.toThrow(/ends before the closing "\]" \(line 2\)/);
    await expect(fails('[{"a":1},\n')).rejects.toThrow(UnprocessableError);
  });

  it('still fails on an element longer than maxRecordChars, naming its line', async () => {
    const text = `[{"a":1},\n"${'x'.repeat(200)}"]`;
    for (const size of [16, 65536]) {
      const records = jsonArrayRecords(piecesOf(text, size), { maxRecordChars: 100, onReject: () => {} });
      await expect(drain(records)).rejects.toThrow(/JSON array element 2 on line 2 is longer than 100/);
    }
  });
});

/** Rows of a file, each a good object or a bad row, with blank lines and CRLF between. */
const rowsArbitrary = (bad: fc.Arbitrary<string>) =>
  fc.array(
    fc.record({
      bad: fc.boolean(),
      text: bad,
      n: fc.integer({ min: 0, max: 999 }),
      blankBefore: fc.nat({ max: 2 }),
      crlf: fc.boolean(),
    }),
    { maxLength: 12 },
  );

describe('the row ledger', () => {
  it('accounts for every NDJSON row: read = stored + rejected, each rejection on its line', async () => {
    const badLine = fc.constantFrom('42', '"x"', '[1,2]', 'null', '{"a":', 'nope', '{"a":1}}', ' {,}');
    await fc.assert(
      fc.asyncProperty(rowsArbitrary(badLine), fc.integer({ min: 1, max: 32 }), async (rows, chunkSize) => {
        // Prepare: the text, and the line each row lands on.
        let text = '';
        let line = 0;
        const badLines: number[] = [];
        const good: string[][] = [];
        for (const row of rows) {
          const end = row.crlf ? '\r\n' : '\n';
          text += end.repeat(row.blankBefore);
          line += row.blankBefore + 1;
          text += (row.bad ? row.text : JSON.stringify({ n: row.n })) + end;
          if (row.bad) badLines.push(line);
          else good.push([String(row.n)]);
        }
        // Act
        const back = await readTaking(readNdjson, text, chunkSize);
        // Assess
        expect(back.rows).toEqual(good);
        expect(back.rejections.map((r) => r.line)).toEqual(badLines);
        expect(back.ledger.read).toBe(back.rows.length + back.ledger.rejected);
        expect(back.ledger).toEqual({ read: rows.length, rejected: badLines.length, lines: line });
      }),
      { numRuns: 200 },
    );
  });

  it('accounts for every JSON array element: read = stored + rejected, each rejection on its line', async () => {
    const badElement = fc.constantFrom(
      '42',
      '"x, ]"',
      '[1,[2]]',
      'null',
      'false',
      'nope',
      '{"a":tru}',
      "{'a':1}",
    );
    await fc.assert(
      fc.asyncProperty(
        rowsArbitrary(badElement),
        fc.integer({ min: 1, max: 32 }),
        async (rows, chunkSize) => {
          let text = '[';
          let line = 1;
          const badLines: number[] = [];
          const good: string[][] = [];
          rows.forEach((row, i) => {
            const end = row.crlf ? '\r\n' : '\n';
            text += (i > 0 ? ',' : '') + end.repeat(row.blankBefore);
            line += row.blankBefore;
            text += row.bad ? row.text : JSON.stringify({ n: row.n });
            if (row.bad) badLines.push(line);
            else good.push([String(row.n)]);
          });
          text += ']';
          const back = await readTaking(readJsonArray, text, chunkSize);
          expect(back.rows).toEqual(good);
          expect(back.rejections.map((r) => r.line)).toEqual(badLines);
          expect(back.ledger).toEqual({ read: rows.length, rejected: badLines.length, lines: line });
        },
      ),
      { numRuns: 200 },
    );
  });
});
