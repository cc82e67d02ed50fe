/**
 * Hand-made XLSX files: the XML parts written out and stored (not deflated) in a zip in the
 * order given. A stored entry reaches the reader in the chunks the test feeds it, so a chunk
 * edge can be put inside any character, and the parts can come in any order (shared strings
 * before the sheets, unlike what exceljs and Excel write).
 */
import { crc32 } from 'node:zlib';

/** A zip of stored entries, in order, with UTF-8 names. */
export function storedZip(entries: [name: string, content: string][]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of entries) {
    const nameBytes = Buffer.from(name, 'utf8');
    const data = Buffer.from(content, 'utf8');
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(0, 8); // stored
    local.writeUInt32LE(0x00210000, 10); // 1980-01-01 00:00
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(0, 10);
    central.writeUInt32LE(0x00210000, 12);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

const NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const SHEET_REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet';

export interface HandSheet {
  name: string;
  /** The `<sheetData>` inner XML. */
  rows: string;
}

/**
 * A workbook whose parts come in the order a streaming reader likes best: workbook, rels,
 * styles and shared strings, then the sheets. `styles` maps style ids 1… to number formats.
 */
export function handWorkbook(options: {
  sheets: HandSheet[];
  sharedStrings?: string[];
  date1904?: boolean;
  numFmts?: string[];
}): Buffer {
  const { sheets, sharedStrings = [], date1904 = false, numFmts = [] } = options;
  const workbook = `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="${NS}" xmlns:r="${REL_NS}"><workbookPr${date1904 ? ' date1904="1"' : ''}/><sheets>${sheets
    .map((s, i) => `<sheet name="${s.name}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`)
    .join('')}</sheets></workbook>`;
  // The second sheet's target is absolute, as some writers make it.
  const rels = `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${sheets
    .map(
      (_, i) =>
        `<Relationship Id="rId${i + 1}" Type="${SHEET_REL}" Target="${i === 1 ? '/xl/' : ''}worksheets/sheet${i + 1}.xml"/>`,
    )
    .join('')}</Relationships>`;
  const styles = `<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="${NS}"><numFmts count="${numFmts.length}">${numFmts
    .map((code, i) => `<numFmt numFmtId="${164 + i}" formatCode="${code}"/>`)
    .join(
      '',
    )}</numFmts><fonts count="1"><font/></fonts><fills count="1"><fill/></fills><borders count="1"><border/></borders><cellXfs count="${numFmts.length + 1}"><xf numFmtId="0"/>${numFmts
    .map((_, i) => `<xf numFmtId="${164 + i}" applyNumberFormat="1"/>`)
    .join('')}</cellXfs></styleSheet>`;
  const strings = `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="${NS}" count="${sharedStrings.length}">${sharedStrings.join('')}</sst>`;
  return storedZip([
    ['[Content_Types].xml', '<?xml version="1.0" encoding="UTF-8"?><Types/>'],
    ['xl/workbook.xml', workbook],
    ['xl/_rels/workbook.xml.rels', rels],
    ['xl/styles.xml', styles],
    ['xl/sharedStrings.xml', strings],
    ...sheets.map(
      (s, i) =>
        [
          `xl/worksheets/sheet${i + 1}.xml`,
          `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="${NS}"><sheetData>${s.rows}</sheetData></worksheet>`,
        ] as [string, string],
    ),
  ]);
}
