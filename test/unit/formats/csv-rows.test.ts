import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../shared/domain/errors.js';
import { parseCsvLine, parseCsvRows } from '../../../shared/formats/csv/rows.js';
import { chunked, collectRows, splitAt, utf8 } from './csv-fixtures.js';

const rowsOf = (text: string, options?: { delimiter?: string }) =>
  collectRows(chunked(utf8(text), 65536), options);

/**
 * The shortest of `runs` timings of two pieces of work, in ms, the pieces taking turns: the
 * floor that other work on the machine cannot raise, for both of them alike.
 */
async function fastestOf(runs: number, a: () => Promise<unknown>, b: () => Promise<unknown>) {
  const time = async (work: () => Promise<unknown>) => {
    const started = performance.now();
    await work();
    return performance.now() - started;
  };
  let fastest: [number, number] = [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY];
  for (let run = 0; run < runs; run++) {
    fastest = [Math.min(fastest[0], await time(a)), Math.min(fastest[1], await time(b))];
  }
  return fastest;
}

describe('parseCsvRows', () => {
  describe('cells', () => {
    it('keeps a quoted delimiter inside its cell', async () => {
      expect(await rowsOf('a,"b,c",d\n')).toEqual([['a', 'b,c', 'd']]);
    });

    it('unescapes a doubled quote to one quote', async () => {
      expect(await rowsOf('"say ""hi""",""""\n')).toEqual([['say "hi"', '"']]);
    });

    it('keeps LF and CRLF line breaks inside quoted cells as they are', async () => {
      expect(await rowsOf('"one\ntwo",x\n"three\r\nfour",y\r\n')).toEqual([
        ['one\ntwo', 'x'],
        ['three\r\nfour', 'y'],
      ]);
    });

    it('keeps a quoted carriage return before the closing quote', async () => {
      expect(await rowsOf('"a\r",b\r\n')).toEqual([['a\r', 'b']]);
    });

    it('gives empty cells for consecutive delimiters and a quoted empty cell', async () => {
      expect(await rowsOf(',,\n"",x\n')).toEqual([
        ['', '', ''],
        ['', 'x'],
      ]);
    });

    it('keeps each row as long as the file has it, even when rows differ in length', async () => {
      expect(await rowsOf('1,2\n3,4,5\n"6",7,8,"9"\n10')).toEqual([
        ['1', '2'],
        ['3', '4', '5'],
        ['6', '7', '8', '9'],
        ['10'],
      ]);
    });

    it('reads a single-column file row by row, with a quoted empty cell as a row', async () => {
      expect(await rowsOf('a\n""\nb\n')).toEqual([['a'], [''], ['b']]);
    });

    it('splits on a custom delimiter only', async () => {
      expect(await rowsOf('a;"b;c";d,e\n', { delimiter: ';' })).toEqual([['a', 'b;c', 'd,e']]);
      expect(await rowsOf('a\tb\n', { delimiter: '\t' })).toEqual([['a', 'b']]);
    });

    it('keeps a U+FEFF at the start of its input as data, since a part never starts with the BOM', async () => {
      expect(await rowsOf('\uFEFFa,b\n')).toEqual([['\uFEFFa', 'b']]);
    });
  });

  describe('line endings', () => {
    it('drops the \\r of a CRLF row ending, after an unquoted or a quoted cell', async () => {
      expect(await rowsOf('a,b\r\n"c","d"\r\n')).toEqual([
        ['a', 'b'],
        ['c', 'd'],
      ]);
    });

    it('reads a last row that has no trailing newline, LF or CRLF file alike', async () => {
      expect(await rowsOf('a,b\nc,d')).toEqual([
        ['a', 'b'],
        ['c', 'd'],
      ]);
      expect(await rowsOf('a,b\r\n"c","d"')).toEqual([
        ['a', 'b'],
        ['c', 'd'],
      ]);
    });

    it('ends a row at a lone \\r, as old Mac files and some exporters write them', async () => {
      expect(await rowsOf('a,b\rc,d\r\re,"f\rg"\r')).toEqual([
        ['a', 'b'],
        ['c', 'd'],
        ['e', 'f\rg'],
      ]);
    });

    it('treats a lone \\r at the very end as the line ending', async () => {
      expect(await rowsOf('a,b\r')).toEqual([['a', 'b']]);
    });

    it('skips blank lines, including blank trailing lines', async () => {
      expect(await rowsOf('\na\n\n\nb\n\n\n')).toEqual([['a'], ['b']]);
      expect(await rowsOf('\r\na\r\n\r\nb\r\n\r\n')).toEqual([['a'], ['b']]);
    });

    it('yields nothing for empty input', async () => {
      expect(await rowsOf('')).toEqual([]);
    });
  });

  describe('chunk boundaries', () => {
    const text = 'é,"漢,😀"\r\n"a""b","line\r\nbreak"\r\nlast,"x"\r\n';
    const expected = [
      ['é', '漢,😀'],
      ['a"b', 'line\r\nbreak'],
      ['last', 'x'],
    ];

    it('gives the same rows wherever one split falls, inside a multi-byte char or a CRLF', async () => {
      const bytes = utf8(text);
      for (let cut = 0; cut <= bytes.length; cut++) {
        expect(await collectRows(splitAt(bytes, cut)), `split at byte ${cut}`).toEqual(expected);
      }
    });

    it('gives the same rows when every byte arrives alone', async () => {
      expect(await collectRows(chunked(utf8(text), 1))).toEqual(expected);
    });

    it('yields rows batch by batch as chunks arrive instead of all at the end', async () => {
      const batches: string[][][] = [];
      for await (const batch of parseCsvRows(splitAt(utf8('a\nb\nc\n'), 2, 4))) batches.push(batch);
      expect(batches).toEqual([[['a']], [['b']], [['c']]]);
    });

    it('parses a row far longer than a chunk as fast in 1 KiB chunks as in one piece', async () => {
      // Prepare: one 0.6 MB quoted cell full of doubled quotes.
      const bytes = utf8(`"${'x""'.repeat(200_000)}",end\nnext\n`);
      const parseIn = (size: number) => () => collectRows(chunked(bytes, size));

      // Act: the same text in 600 chunks and in one piece, each timed at its fastest.
      const rows = await parseIn(1024)();
      const [inChunks, whole] = await fastestOf(3, parseIn(1024), parseIn(bytes.length));

      // Assess: re-parsing the unfinished row on every chunk would make the chunks cost
      // hundreds of times the one piece; waiting until the text has doubled costs about
      // twice. (A ratio of two runs of the same size: a busy machine slows both alike.)
      expect(rows).toEqual([['x"'.repeat(200_000), 'end'], ['next']]);
      expect(inChunks / whole).toBeLessThan(10);
    });
  });

  describe('malformed quoting', () => {
    it('appends text after a closing quote to the cell, its quotes plain, as Python and Excel read it', async () => {
      expect(await rowsOf('"a"b,c\n"x"y"z,w\n')).toEqual([
        ['ab', 'c'],
        ['xy"z', 'w'],
      ]);
    });

    it('reads a quote that does not start a cell as a plain character', async () => {
      expect(await rowsOf('1,12" pizza,x\n2,37°36\'37.8"N 121°2\'17.9"W,y\n3,say "hi",z\n')).toEqual([
        ['1', '12" pizza', 'x'],
        ['2', '37°36\'37.8"N 121°2\'17.9"W', 'y'],
        ['3', 'say "hi"', 'z'],
      ]);
    });

    it('keeps the rest of the input in the cell when a quote never closes', async () => {
      expect(await rowsOf('a,"b\nc,d\n')).toEqual([['a', 'b\nc,d\n']]);
    });

    it('says which rows hold text after a closing quote, and where a quote never closes', async () => {
      // Prepare
      const unclean: [number, number][] = [];
      const unclosed: number[] = [];
      const notes = {
        onQuoteNotClosedCleanly: (row: number, cell: number) => unclean.push([row, cell]),
        onUnclosedQuote: (row: number) => unclosed.push(row),
      };
      const bytes = utf8('ok,"fine"\n"a"b,c\n\nx,"y"z\n3,"open\n4,5\n');
      // Act: split so that rows arrive in different batches
      const rows: string[][] = [];
      for await (const batch of parseCsvRows(chunked(bytes, 5), { notes })) rows.push(...batch);
      // Assess
      expect(rows).toEqual([
        ['ok', 'fine'],
        ['ab', 'c'],
        ['x', 'yz'],
        ['3', 'open\n4,5\n'],
      ]);
      expect(unclean).toEqual([
        [1, 0],
        [2, 1],
      ]);
      expect(unclosed).toEqual([3]);
    });
  });

  it('rejects a delimiter that is not one plain character', async () => {
    for (const delimiter of ['', ';;', '"', '\n', '\r']) {
      await expect(rowsOf('a\n', { delimiter })).rejects.toThrow(ValidationError);
    }
  });
});

describe('parseCsvLine', () => {
  it('parses the first row of a line, quotes handled and the line ending dropped', () => {
    expect(parseCsvLine('id,"name, full","say ""hi"""\r\n')).toEqual(['id', 'name, full', 'say "hi"']);
  });

  it('parses with a custom delimiter', () => {
    expect(parseCsvLine('a;b,c', ';')).toEqual(['a', 'b,c']);
  });

  it('stops at the first row and gives no cells for a blank line', () => {
    expect(parseCsvLine('a,b\nc,d\n')).toEqual(['a', 'b']);
    expect(parseCsvLine('')).toEqual([]);
    expect(parseCsvLine('\r\n')).toEqual([]);
  });
});
