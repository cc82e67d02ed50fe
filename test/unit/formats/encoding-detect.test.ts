import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeText } from '../../../shared/formats/encoding.js';
import {
  detectEncoding,
  type EncodingVerdict,
  encodingAfterScan,
  utf8Reading,
} from '../../../shared/formats/encoding-detect.js';
import {
  countLeadBytes,
  type InvalidSequence,
  mergeUtf8Scans,
  Utf8Check,
} from '../../../shared/formats/utf8-check.js';
import { streamOf, utf8 } from './format-fixtures.js';

const tables = new Map<string, Map<string, number[]>>();
const DOUBLE_BYTE = new Set(['shift_jis', 'euc-jp', 'euc-kr', 'gbk', 'big5']);

/**
 * `text` in a legacy encoding, by inverting Node's own decoder for it. Stream mode, because
 * Node ≥ 20.18.3 decodes windows-1252 0x80–0x9F as C1 controls in one-shot mode
 * (nodejs/node#60888), and partwise decodes in stream mode too.
 */
function encodeAs(text: string, label: string): Uint8Array {
  let table = tables.get(label);
  if (!table) {
    const found = new Map<string, number[]>();
    const add = (bytes: number[]) => {
      const decoder = new TextDecoder(label, { fatal: true });
      try {
        const char = decoder.decode(Uint8Array.from(bytes), { stream: true }) + decoder.decode();
        if ([...char].length === 1 && !found.has(char)) found.set(char, bytes);
      } catch {
        // Not a character in this encoding.
      }
    };
    for (let byte = 0; byte < 256; byte++) add([byte]);
    if (DOUBLE_BYTE.has(label)) {
      for (let lead = 0x81; lead <= 0xfe; lead++)
        for (let trail = 0x40; trail <= 0xfe; trail++) add([lead, trail]);
    }
    table = found;
    tables.set(label, table);
  }
  const known = table;
  return Uint8Array.from(
    [...text].flatMap((char) => {
      const bytes = known.get(char);
      if (!bytes) throw new Error(`${label} has no ${char}`);
      return bytes;
    }),
  );
}

/** A CSV of `rows` under a header, each row numbered, repeated to `count` rows. */
const csvOf = (rows: string[], count = rows.length) =>
  `id,name,city,note\n${Array.from({ length: count }, (_, i) => `${i + 1},${rows[i % rows.length]}`).join('\n')}\n`;

const detect = (bytes: Uint8Array, complete = true) =>
  detectEncoding(bytes, { complete, fileName: 'data.csv' });

/**
 * What Excel on Windows, and many exports, save as "CSV" in Western Europe and the Americas.
 * Short ones are where chardet is least sure; none may be refused.
 */
const LATIN_SAMPLES: Record<string, string> = {
  'Zoë alone': 'Zoë',
  'a name with an umlaut': 'name\nMüller\n',
  café: 'item,price\ncafé,2.50\n',
  Ñandú: 'animal\nÑandú\n',
  'a pound sign': 'price\n£5\n',
  'a euro sign (0x80)': 'price\n€5\n',
  'uppercase umlauts together': 'name\nÄÖÜ\n',
  French: csvOf(
    ['François Dupré,Besançon,très élégant', 'Hélène Noël,Orléans,déjà vu', 'Zoë Lefèvre,Nîmes,où'],
    20,
  ),
  German: csvOf(['Jürgen Müller,München,Straße 5', 'Björn Groß,Düsseldorf,Königsallee 1'], 20),
  Spanish: csvOf(['José Núñez,Córdoba,¿Qué tal?', 'María Peña,Logroño,¡Olé!'], 20),
  Portuguese: csvOf(['João,São Paulo,Atenção', 'Conceição,Maceió,AÇÕES'], 20),
  Scandinavian: csvOf(['Søren Ærø,Århus,ok', 'Åse,Tromsø,ok', 'Björk,Reykjavík,ok'], 20),
  'English with smart quotes, € and £': csvOf(['Bob O’Brien,Dublin,“quoted” – €3', 'Jane Doe,Leeds,£5…'], 20),
  'masked card numbers': csvOf(['Visa,••••4242,ok', 'Amex,••••0005,ok'], 20),
  'a name in capitals between smart quotes (C9 94 is valid UTF-8)': csvOf(
    ['“RENÉ”,Paris,x', 'Zoë,Nîmes,y'],
    20,
  ),
};

const JAPANESE = ['山田太郎,東京都渋谷区神南1-2-3,ソフトウェア開発部', '鈴木花子,大阪府大阪市北区,営業部'];
const RUSSIAN = ['Иван Петров,Москва,отдел продаж', 'Мария Иванова,Казань,бухгалтерия'];

/** Real text in encodings partwise does not read, two rows each: enough for chardet to name it. */
const NAMED_SAMPLES: Record<string, [name: string, text: string]> = {
  shift_jis: ['Shift_JIS (Japanese)', csvOf(JAPANESE)],
  'euc-jp': ['EUC-JP (Japanese)', csvOf(JAPANESE)],
  'euc-kr': [
    'EUC-KR (Korean)',
    csvOf(['김철수,서울특별시 강남구 테헤란로,개발팀', '이영희,부산광역시 해운대구,영업팀']),
  ],
  gbk: [
    'GB18030 / GBK (Simplified Chinese)',
    csvOf(['张三,北京市朝阳区建国路88号,软件开发部', '李四,上海市浦东新区,销售部']),
  ],
  big5: [
    'Big5 (Traditional Chinese)',
    csvOf(['陳大文,台北市中正區重慶南路,軟體開發部', '林小美,高雄市前鎮區,業務部']),
  ],
  'windows-1251': ['windows-1251 (Cyrillic)', csvOf(RUSSIAN)],
  'koi8-r': ['KOI8-R (Cyrillic)', csvOf(RUSSIAN)],
  'iso-8859-7': [
    'ISO-8859-7 (Greek)',
    csvOf(['Γιώργος Παπαδόπουλος,Αθήνα,πωλήσεις', 'Μαρία Κωνσταντίνου,Πάτρα,λογιστήριο']),
  ],
  'iso-8859-8': ['ISO-8859-8 (Hebrew)', csvOf(['דוד כהן,תל אביב,מכירות', 'שרה לוי,ירושלים,הנהלת חשבונות'])],
  'windows-1256': [
    'windows-1256 (Arabic)',
    csvOf(['محمد علي,القاهرة,المبيعات', 'فاطمة حسن,الرياض,المحاسبة']),
  ],
  'windows-874': [
    'windows-874 (Thai)',
    'ประเทศไทยมีประชากรประมาณหกสิบหกล้านคน กรุงเทพมหานครเป็นเมืองหลวง\n'.repeat(3),
  ],
};

describe('detectEncoding', () => {
  it('lets a byte order mark decide, and reports its length', () => {
    expect(detect(Buffer.from('\uFEFFa,b\n', 'utf8'))).toEqual({
      encoding: 'utf-8',
      bomLength: 3,
      detected: 'bom',
    });
    expect(detect(Buffer.from('\uFEFFa,b\n', 'utf16le'))).toEqual({
      encoding: 'utf-16le',
      bomLength: 2,
      detected: 'bom',
    });
    expect(detect(Buffer.from('\uFEFFa,b\n', 'utf16le').swap16())).toEqual({
      encoding: 'utf-16be',
      bomLength: 2,
      detected: 'bom',
    });
  });

  it('tells UTF-16 without a BOM from the side its NULs fall on, Japanese with ASCII delimiters included', () => {
    const text = csvOf(['山田太郎,東京都,開発部', 'Zoë,Paris,ok', 'John,London,ok']);
    expect(detect(Buffer.from(text, 'utf16le'))).toEqual({
      encoding: 'utf-16le',
      bomLength: 0,
      detected: 'utf-16-pattern',
    });
    expect(detect(Buffer.from(text, 'utf16le').swap16())).toEqual({
      encoding: 'utf-16be',
      bomLength: 0,
      detected: 'utf-16-pattern',
    });
  });

  it('does not take binary data with NULs on one side for UTF-16: the bytes beside them are not text', () => {
    const counters = Uint8Array.from({ length: 512 }, (_, i) => (i % 2 === 0 ? (i / 2) % 256 : 0));
    expect(detect(counters)).not.toMatchObject({ detected: 'utf-16-pattern' });
  });

  it('refuses UTF-32, with or without a BOM, by name', () => {
    const le = (text: string) => Uint8Array.from([...text].flatMap((c) => [c.charCodeAt(0), 0, 0, 0]));
    expect(detect(Uint8Array.from([0xff, 0xfe, 0, 0, ...le('a,b\n')]))).toEqual({
      refused: 'data.csv is UTF-32LE text, which partwise does not read: save it as UTF-8.',
    });
    expect(detect(Uint8Array.from(le('a,b\n1,2\n').reverse()))).toEqual({
      refused: 'data.csv is UTF-32BE text, which partwise does not read: save it as UTF-8.',
    });
  });

  it('says ascii for 7-bit text and utf-8 for valid UTF-8', () => {
    expect(detect(utf8('a,b\n1,2\n'))).toEqual({ encoding: 'utf-8', bomLength: 0, detected: 'ascii' });
    expect(detect(utf8('name\nZoë\n山田\n'))).toEqual({ encoding: 'utf-8', bomLength: 0, detected: 'utf-8' });
    expect(detect(new Uint8Array(0))).toEqual({ encoding: 'utf-8', bomLength: 0, detected: 'ascii' });
  });

  it('forgives a character cut by the end of a head, but not by the end of a whole file', () => {
    const cut = utf8('name\nZoe 😀').subarray(0, -2);
    expect(detect(cut, false)).toMatchObject({ encoding: 'utf-8', detected: 'ascii' });
    expect(detect(cut, true)).toMatchObject({ encoding: 'latin1', detected: 'windows-1252' });
  });

  it('keeps UTF-8 that has a few bad bytes among many good characters as UTF-8, for the scan to report', () => {
    const bytes = Buffer.concat([utf8(csvOf(['Zoë,Besançon,très élégant'], 10)), Uint8Array.of(0xe9, 0x0a)]);
    expect(detect(bytes)).toEqual({ encoding: 'utf-8', bomLength: 0, detected: 'utf-8' });
  });

  for (const [name, text] of Object.entries(LATIN_SAMPLES)) {
    it(`reads ${name} in Windows-1252 as windows-1252, characters as written`, async () => {
      const bytes = encodeAs(text, 'windows-1252');
      expect(detect(bytes)).toEqual({ encoding: 'latin1', bomLength: 0, detected: 'windows-1252' });
      let decoded = '';
      for await (const piece of (await decodeText(streamOf(bytes), 'latin1')).text) decoded += piece;
      expect(decoded).toBe(text);
    });
  }

  for (const [label, [name, text]] of Object.entries(NAMED_SAMPLES)) {
    it(`refuses ${label} text, naming it`, () => {
      expect(detect(encodeAs(text, label))).toEqual({
        refused: `data.csv looks like ${name} text, which partwise does not read: save it as UTF-8.`,
      });
    });
  }

  it('refuses text chardet cannot name without naming it: kanji-only Shift_JIS, one short Cyrillic row', () => {
    const unnamed = /^data\.csv is not UTF-8 text, and it does not read as Windows-1252 \(Latin-1\) either/;
    const kanji = encodeAs(
      csvOf(['山田太郎,東京都渋谷区,営業部', '鈴木花子,大阪府大阪市,経理部'], 5),
      'shift_jis',
    );
    expect(detect(kanji)).toEqual({ refused: expect.stringMatching(unnamed) });
    expect(detect(encodeAs('Имя,Город\nИван,Москва\n', 'windows-1251'))).toEqual({
      refused: expect.stringMatching(unnamed),
    });
  });

  it('refuses Latin-1 made of accents run together, the price of refusing kanji-only Shift_JIS', () => {
    const alphabet = encodeAs('letters\nàáâãäå\nèéêë\nìíîï\nòóôõö\nùúûü\n', 'windows-1252');
    expect(detect(alphabet)).toEqual({ refused: expect.stringMatching(/^data\.csv is not UTF-8 text/) });
  });

  it('refuses 7-bit ISO-2022-JP, which is valid ASCII but not text as written', () => {
    // ESC $ B switches to JIS X 0208, whose two-byte characters are ASCII bytes (山田); ESC ( B back.
    const jis = Buffer.concat([utf8('name\n'), Buffer.from('1b24423b3345441b28420a', 'hex')]);
    expect(detect(jis)).toEqual({
      refused:
        'data.csv looks like ISO-2022-JP (Japanese) text, which partwise does not read: save it as UTF-8.',
    });
  });
});

describe('encodingAfterScan', () => {
  const scanOf = (bytes: Uint8Array, size = 4096) => {
    const check = new Utf8Check();
    for (let i = 0; i < bytes.length; i += size) check.push(bytes.subarray(i, i + size));
    return check.end();
  };
  const headOf = (bytes: Uint8Array) => detect(bytes.subarray(0, 1024), false) as EncodingVerdict;

  it('keeps UTF-8 valid throughout, and ascii when no byte is past 0x7F', () => {
    const text = utf8(csvOf(['Zoë,Paris,ok'], 100));
    expect(encodingAfterScan(scanOf(text), headOf(text))).toMatchObject({
      encoding: 'utf-8',
      detected: 'utf-8',
    });
    const ascii = utf8(csvOf(['Zoe,Paris,ok'], 100));
    expect(encodingAfterScan(scanOf(ascii), headOf(ascii))).toMatchObject({
      detected: 'ascii',
      invalidCount: 0,
    });
  });

  it('turns an ASCII head into windows-1252 when the accents come later in a single-byte file', () => {
    const bytes = encodeAs(csvOf(['John,London,ok'], 100) + csvOf(['Zoë,Besançon,très'], 10), 'windows-1252');
    expect(headOf(bytes).detected).toBe('ascii');
    expect(encodingAfterScan(scanOf(bytes), headOf(bytes))).toEqual({
      encoding: 'latin1',
      bomLength: 0,
      detected: 'windows-1252',
      invalidCount: 0,
      invalid: [],
      utf8Lookalikes: 0,
    });
  });

  it('refuses a file whose ASCII head hid Cyrillic further on', () => {
    const bytes = encodeAs(
      csvOf(['John,London,ok'], 100) + csvOf(['Иван Петров,Москва,отдел продаж'], 5),
      'windows-1251',
    );
    expect(encodingAfterScan(scanOf(bytes), headOf(bytes), { fileName: 'data.csv' })).toEqual({
      refused:
        'data.csv looks like windows-1251 (Cyrillic) text, which partwise does not read: save it as UTF-8.',
    });
  });

  it('keeps a UTF-8 export with a Latin-1 one appended UTF-8, and reports each bad byte where it is', () => {
    const good = utf8(csvOf(['Zoë,Besançon,très élégant'], 50));
    const bytes = Buffer.concat([good, encodeAs('51,Zoë,Nîmes,ok\n', 'windows-1252')]);
    const result = encodingAfterScan(scanOf(bytes, 333), headOf(bytes));
    expect(result).toMatchObject({
      encoding: 'utf-8',
      detected: 'utf-8',
      invalidCount: 2,
      utf8Lookalikes: 0,
    });
    expect(result).toHaveProperty('invalid', [
      { offset: good.length + 5, bytes: [0xeb] },
      { offset: good.length + 8, bytes: [0xee] },
    ]);
  });

  it('reads a Latin-1 file with a coincidental UTF-8 pair as windows-1252, and counts the pair', () => {
    const bytes = encodeAs(
      LATIN_SAMPLES['a name in capitals between smart quotes (C9 94 is valid UTF-8)'] as string,
      'windows-1252',
    );
    expect(encodingAfterScan(scanOf(bytes), headOf(bytes))).toMatchObject({
      detected: 'windows-1252',
      utf8Lookalikes: 10,
    });
  });

  it('lets a UTF-16 verdict stand, and a UTF-8 BOM too, with its bad bytes reported', () => {
    const utf16 = Buffer.from('\uFEFFa,b\n', 'utf16le');
    expect(encodingAfterScan(scanOf(utf16), headOf(utf16))).toMatchObject({
      encoding: 'utf-16le',
      invalidCount: 0,
    });
    const bom = Uint8Array.from([0xef, 0xbb, 0xbf, ...encodeAs('name\nZoë\n', 'windows-1252')]);
    expect(encodingAfterScan(scanOf(bom), headOf(bom))).toMatchObject({
      encoding: 'utf-8',
      bomLength: 3,
      detected: 'bom',
      invalid: [{ offset: 10, bytes: [0xeb] }],
    });
  });

  it('gives the same verdict from the merged scans of parts as from one scan of the whole', () => {
    const bytes = Buffer.concat([
      utf8(csvOf(['Zoë,Besançon,très'], 40)),
      encodeAs(csvOf(['Zoë,Nîmes,ok'], 5), 'windows-1252'),
    ]);
    const cuts = [0, 700, 1234, bytes.length];
    const parts = cuts
      .slice(1)
      .map((end, i) => ({ start: cuts[i] as number, scan: scanOf(bytes.subarray(cuts[i], end), 100) }));
    // Each part samples its own bytes only, so the merged sample is the first part's: the rest agrees.
    expect({ ...mergeUtf8Scans(parts), sample: [] }).toEqual({ ...scanOf(bytes), sample: [] });
    expect(encodingAfterScan(mergeUtf8Scans(parts), headOf(bytes))).toEqual(
      encodingAfterScan(scanOf(bytes), headOf(bytes)),
    );
  });
});

describe('utf8Reading', () => {
  it('weighs valid multi-byte sequences against invalid ones', () => {
    expect(utf8Reading({ invalidCount: 0, validMultibyte: 0 })).toBe('ascii');
    expect(utf8Reading({ invalidCount: 0, validMultibyte: 3 })).toBe('utf-8');
    expect(utf8Reading({ invalidCount: 5, validMultibyte: 0 })).toBe('single-byte');
    expect(utf8Reading({ invalidCount: 5, validMultibyte: 4 })).toBe('single-byte');
    expect(utf8Reading({ invalidCount: 5, validMultibyte: 5 })).toBe('mixed');
  });
});

/** Every byte the UTF-8 rules turn on, and valid text around them. */
const EDGE_BYTES = [
  0x00, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4,
  0xf5, 0xff,
];
const byteStrings = fc
  .array(
    fc.oneof(
      fc.constantFrom(...EDGE_BYTES).map((byte) => [byte]),
      fc.string({ unit: 'binary', maxLength: 4 }).map((text) => [...utf8(text)]),
      fc.uint8Array({ maxLength: 4 }).map((bytes) => [...bytes]),
    ),
    { maxLength: 24 },
  )
  .map((pieces) => Uint8Array.from(pieces.flat()));

/**
 * The invalid sequences by another route: at each non-ASCII byte, a fatal `TextDecoder` either
 * decodes a whole character of 2–4 bytes, or the sequence is invalid and spans the longest
 * prefix (1–3 bytes) that a fatal decoder in stream mode still accepts as unfinished.
 */
function referenceInvalid(bytes: Uint8Array): InvalidSequence[] {
  const accepts = (from: number, to: number, stream: boolean) => {
    try {
      // A U+FEFF is a character here, as it is in the middle of a file: the decoder keeps it.
      const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
      return [...decoder.decode(bytes.subarray(from, to), { stream })];
    } catch {
      return undefined;
    }
  };
  const invalid: InvalidSequence[] = [];
  for (let i = 0; i < bytes.length; ) {
    if ((bytes[i] as number) < 0x80) {
      i++;
      continue;
    }
    const length = [2, 3, 4].find((n) => i + n <= bytes.length && accepts(i, i + n, false)?.length === 1);
    if (length) {
      i += length;
      continue;
    }
    let span = 1;
    while (span < 3 && i + span < bytes.length && accepts(i, i + span + 1, true)?.length === 0) span++;
    invalid.push({ offset: i, bytes: [...bytes.subarray(i, i + span)] });
    i += span;
  }
  return invalid;
}

function checkInPieces(bytes: Uint8Array, sizes: number[]) {
  const check = new Utf8Check({ keep: Number.POSITIVE_INFINITY });
  for (let i = 0, k = 0; i < bytes.length; k++) {
    const size = sizes[k % sizes.length] as number;
    check.push(bytes.subarray(i, i + size));
    i += size;
  }
  return check.end();
}

describe('Utf8Check', () => {
  it('finds exactly the sequences a fatal TextDecoder chokes on, however the bytes are cut', () => {
    fc.assert(
      fc.property(
        byteStrings,
        fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 4 }),
        (bytes, sizes) => {
          const scan = checkInPieces(bytes, sizes);
          expect(scan.invalid).toEqual(referenceInvalid(bytes));
          expect(scan.invalidCount).toBe(scan.invalid.length);
          expect(scan).toEqual(checkInPieces(bytes, [bytes.length || 1]));
        },
      ),
      // U+FEFF (a byte order mark's bytes) first, once cut: the case a random run found.
      { numRuns: 3000, examples: [[Uint8Array.from([0xef, 0xbb, 0xbf]), [1]]] },
    );
  });

  it("agrees with TextDecoder's U+FFFD output: one per invalid sequence, valid characters counted", () => {
    fc.assert(
      fc.property(byteStrings, (bytes) => {
        const scan = checkInPieces(bytes, [3]);
        // Each piece decoded apart: a U+FEFF that starts one is a character, not a byte order mark.
        const text = (part: Uint8Array) => new TextDecoder('utf-8', { ignoreBOM: true }).decode(part);
        let rebuilt = '';
        let from = 0;
        for (const { offset, bytes: seq } of scan.invalid) {
          rebuilt += `${text(bytes.subarray(from, offset))}\uFFFD`;
          from = offset + seq.length;
        }
        rebuilt += text(bytes.subarray(from));
        const decoded = text(bytes);
        expect(rebuilt).toBe(decoded);
        expect(scan.validMultibyte).toBe(
          [...decoded].filter((c) => c >= '\u0080').length - scan.invalidCount,
        );
      }),
      { numRuns: 2000, examples: [[Uint8Array.from([0xff, 0xef, 0xbb, 0xbf])]] },
    );
  });

  it('counts what TextDecoder replaces: overlongs, surrogates, past U+10FFFF, stray and missing continuations', () => {
    const invalidOf = (...bytes: number[]) =>
      Utf8Check.of(Uint8Array.from(bytes), { complete: true }).invalid;
    expect(invalidOf(0xc0, 0x80)).toEqual([
      { offset: 0, bytes: [0xc0] },
      { offset: 1, bytes: [0x80] },
    ]);
    expect(invalidOf(0xe0, 0x9f, 0x80)).toHaveLength(3);
    expect(invalidOf(0xed, 0xa0, 0x80)).toHaveLength(3);
    expect(invalidOf(0xf4, 0x90, 0x80, 0x80)).toHaveLength(4);
    expect(invalidOf(0xf0, 0x9f, 0x98, 0x41)).toEqual([{ offset: 0, bytes: [0xf0, 0x9f, 0x98] }]);
    expect(invalidOf(0x41, 0xe2, 0x82)).toEqual([{ offset: 1, bytes: [0xe2, 0x82] }]);
  });

  it('carries a character cut across chunks, up to three bytes of it, one byte per chunk', () => {
    const check = new Utf8Check();
    for (const byte of utf8('😀é€')) check.push(Uint8Array.of(byte));
    expect(check.end()).toMatchObject({ invalidCount: 0, validMultibyte: 3, bytes: 9 });
  });

  it('leaves an unfinished character at the end unjudged until the input ends', () => {
    const check = Utf8Check.of(utf8('Zoë 😀').subarray(0, -1), { complete: false });
    expect(check.invalidCount).toBe(0);
    expect(check.end().invalid).toEqual([{ offset: 5, bytes: [0xf0, 0x9f, 0x98] }]);
  });

  it('counts every invalid sequence but keeps the first few, with offsets from where the check began', () => {
    const latin1 = encodeAs('é'.repeat(30), 'windows-1252');
    const check = new Utf8Check({ keep: 3 });
    check.push(latin1.subarray(0, 7));
    check.push(latin1.subarray(7));
    expect(check.end()).toMatchObject({
      invalidCount: 30,
      invalid: [0, 1, 2].map((offset) => ({ offset, bytes: [0xe9] })),
    });
  });

  it('keeps a sample from the first invalid sequence on, for naming the encoding', () => {
    const bytes = Buffer.concat([utf8('a'.repeat(5000)), encodeAs('Иван Москва', 'windows-1251')]);
    const scan = checkInPieces(bytes, [1000]);
    expect(Buffer.from(scan.sample)).toEqual(Buffer.from(bytes.subarray(5000)));
  });
});

describe('countLeadBytes', () => {
  it('counts bytes from 0xC0 up, at any alignment and length', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2100 }), fc.nat({ max: 7 }), (bytes, skip) => {
        const view = bytes.subarray(Math.min(skip, bytes.length));
        expect(countLeadBytes(view)).toBe(view.filter((byte) => byte >= 0xc0).length);
      }),
      { numRuns: 500 },
    );
  });
});
