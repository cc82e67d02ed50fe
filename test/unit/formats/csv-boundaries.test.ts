import { describe, expect, it } from 'vitest';
import { UnprocessableError, ValidationError } from '../../../shared/domain/errors.js';
import { MAX_HEADER_BYTES, planCsvLayout } from '../../../shared/formats/csv/boundaries.js';
import { countByte } from '../../../shared/formats/csv/count.js';
import { chunked, naiveBoundaries, splitAt, utf8 } from './csv-fixtures.js';

const plan = (text: string, partSize: number, options: { headerRow?: number; delimiter?: string } = {}) =>
  planCsvLayout(chunked(utf8(text), 65536), { partSize, ...options });

describe('planCsvLayout', () => {
  describe('header', () => {
    it('reads the header cells and starts the data right after the header row', async () => {
      const layout = await plan('id,"name, full"\n1,a\n2,b\n', 1024);
      expect(layout).toEqual({
        size: 24,
        bomLength: 0,
        encoding: 'utf-8',
        delimiter: ',',
        headerEnd: 16,
        headerLineBreaks: 1,
        header: ['id', 'name, full'],
        boundaries: [16, 24],
      });
    });

    it('skips a UTF-8 BOM: counted in bomLength, absent from the first header cell', async () => {
      const layout = await plan('\uFEFFid,name\n1,a\n', 1024);
      expect(layout.bomLength).toBe(3);
      expect(layout.header).toEqual(['id', 'name']);
      expect(layout.headerEnd).toBe(3 + 'id,name\n'.length);
    });

    it('drops the \\r of a CRLF header row', async () => {
      const layout = await plan('id,name\r\n1,a\r\n', 1024);
      expect(layout.header).toEqual(['id', 'name']);
      expect(layout.headerEnd).toBe(9);
    });

    it('keeps a quoted line break in a header cell and ends the header at the real row end', async () => {
      const layout = await plan('"first\nname",b\n1,2\n', 1024);
      expect(layout.header).toEqual(['first\nname', 'b']);
      expect(layout.headerEnd).toBe(15);
    });

    it('uses headerRow 2: the row before it is skipped', async () => {
      const layout = await plan('exported 2024-05-17, by "ops"\nid,name\n1,a\n', 1024, { headerRow: 2 });
      expect(layout.header).toEqual(['id', 'name']);
      expect(layout.headerEnd).toBe(38);
      expect(layout.boundaries).toEqual([38, 42]);
    });

    it('parses the header with the given delimiter', async () => {
      expect((await plan('a;b,c\n', 1024, { delimiter: ';' })).header).toEqual(['a', 'b,c']);
    });

    it('decodes multi-byte header cells wherever a chunk splits them', async () => {
      const bytes = utf8('\uFEFFcafé,漢字,😀\n1,2,3\n');
      for (let cut = 0; cut <= bytes.length; cut++) {
        const layout = await planCsvLayout(splitAt(bytes, cut), { partSize: 1024 });
        expect(layout.header, `split at byte ${cut}`).toEqual(['café', '漢字', '😀']);
        expect(layout.bomLength).toBe(3);
      }
    });

    it('fails on a header row longer than MAX_HEADER_BYTES instead of buffering it', async () => {
      const bytes = new Uint8Array(MAX_HEADER_BYTES + 10).fill(0x61);
      await expect(planCsvLayout(chunked(bytes, 65536), { partSize: 1024 })).rejects.toThrow(
        UnprocessableError,
      );
    });
  });

  describe('small files', () => {
    it('plans an empty file as one empty part with no header', async () => {
      expect(await plan('', 1024)).toEqual({
        size: 0,
        bomLength: 0,
        encoding: 'utf-8',
        delimiter: ',',
        headerEnd: 0,
        headerLineBreaks: 0,
        header: [],
        boundaries: [0, 0],
      });
    });

    it('plans a header-only file as one empty part, with or without a trailing newline', async () => {
      expect(await plan('a,b\n', 1024)).toEqual({
        size: 4,
        bomLength: 0,
        encoding: 'utf-8',
        delimiter: ',',
        headerEnd: 4,
        headerLineBreaks: 1,
        header: ['a', 'b'],
        boundaries: [4, 4],
      });
      expect(await plan('a,b', 1024)).toEqual({
        size: 3,
        bomLength: 0,
        encoding: 'utf-8',
        delimiter: ',',
        headerEnd: 3,
        headerLineBreaks: 0,
        header: ['a', 'b'],
        boundaries: [3, 3],
      });
    });

    it('gives no header when the file has fewer rows than headerRow', async () => {
      expect(await plan('only\n', 1024, { headerRow: 3 })).toMatchObject({
        header: [],
        headerEnd: 5,
        boundaries: [5, 5],
      });
    });
  });

  describe('boundaries', () => {
    // Rows start at 0, 4, 8, 12, 16; the file is 20 bytes.
    const fourRows = 'h,h\n1,1\n2,2\n3,3\n4,4\n';

    it('cuts one part per partSize bytes, each starting at the first row start at or after its nominal start', async () => {
      expect((await plan(fourRows, 6)).boundaries).toEqual([4, 8, 12, 20, 20]);
    });

    it('keeps a nominal start that falls exactly on a row start', async () => {
      expect((await plan(fourRows, 8)).boundaries).toEqual([4, 8, 16, 20]);
    });

    it('moves a nominal start that falls on a row-ending newline to the next row', async () => {
      expect((await plan(fourRows, 7)).boundaries).toEqual([4, 8, 16, 20]);
    });

    it('never starts a part inside the header', async () => {
      expect((await plan('h,h,h,h,h\n1\n', 2)).boundaries).toEqual([10, 10, 10, 10, 10, 10, 12]);
    });

    it('ignores newlines inside quotes, doubled quotes included', async () => {
      const text = 'h\n"a\n""b\n"\nc\n';
      // Row starts: 0, 2, 11, 13 — the newlines at 4 and 8 are quoted.
      expect((await plan(text, 3)).boundaries).toEqual([2, 11, 11, 11, 13, 13]);
    });

    it('leaves empty parts behind a row longer than several parts', async () => {
      const text = `h\n${'x'.repeat(20)}\ny\n`;
      expect((await plan(text, 5)).boundaries).toEqual([2, 23, 23, 23, 23, 25]);
    });

    it('plans one part when partSize covers the file', async () => {
      expect((await plan(fourRows, 20)).boundaries).toEqual([4, 20]);
      expect((await plan(fourRows, 1024)).boundaries).toEqual([4, 20]);
    });

    it('gives the same layout however the stream is chunked', async () => {
      const text = '\uFEFFid,"a\r\nb"\r\n1,"x""y"\r\n"2\n",z\r\n3,é漢😀\r\n';
      const bytes = utf8(text);
      const expected = await planCsvLayout(chunked(bytes, 65536), { partSize: 3 });
      expect(expected).toMatchObject(naiveBoundaries(bytes, 3));
      for (let cut = 0; cut <= bytes.length; cut++) {
        expect(await planCsvLayout(splitAt(bytes, cut), { partSize: 3 }), `split at ${cut}`).toEqual(
          expected,
        );
      }
      expect(await planCsvLayout(chunked(bytes, 1), { partSize: 3 })).toEqual(expected);
    });
  });

  it('rejects a part size below 1, a headerRow below 1 and a bad delimiter', async () => {
    await expect(plan('a\n', 0)).rejects.toThrow(RangeError);
    await expect(plan('a\n', 1.5)).rejects.toThrow(RangeError);
    await expect(plan('a\n', 1024, { headerRow: 0 })).rejects.toThrow(RangeError);
    await expect(plan('a\n', 1024, { delimiter: '"' })).rejects.toThrow(ValidationError);
  });
});

describe('countByte', () => {
  it('counts one byte value in any range, whatever its alignment and however dense it is', () => {
    // Prepare: every mix of quotes, near-quotes (0xA2, 0x23, 0x21) and other bytes.
    const pattern = [
      0x22, 0x61, 0x22, 0x22, 0xa2, 0x23, 0x21, 0x22, 0x00, 0x22, 0x22, 0x22, 0x22, 0x0a, 0xe6, 0x22,
    ];
    const buffer = new Uint8Array(
      Array.from({ length: 203 }, (_, i) => pattern[(i * 7) % pattern.length] ?? 0),
    );
    for (let offset = 0; offset < 4; offset++) {
      const bytes = buffer.subarray(offset);
      for (let from = 0; from < 12; from++) {
        for (const to of [from, from + 1, from + 5, from + 64, bytes.length]) {
          // Act
          const counted = countByte(bytes, 0x22, from, to);
          // Assess
          const expected = bytes.subarray(from, to).filter((byte) => byte === 0x22).length;
          expect(counted, `offset ${offset}, [${from}, ${to})`).toBe(expected);
        }
      }
    }
  });
});
