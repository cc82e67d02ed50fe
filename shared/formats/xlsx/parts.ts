/**
 * The parts of a workbook package around its worksheets: relationships (where the workbook,
 * its sheets, shared strings and styles live), the workbook (sheet names and order, the date
 * system), the styles (which cells hold dates) and the shared strings.
 */
import { decodeXString } from './cells.js';
import { parseXmlPart, prefixedAttribute } from './xml.js';

export interface Relationship {
  id: string;
  /** The last segment of the type URI (`worksheet`, `officeDocument`…): transitional and strict OOXML differ only before it. */
  kind: string;
  /** The part it points to, as a zip entry name; `undefined` for an external target (a URL). */
  part: string | undefined;
}

/** `xl/workbook.xml` → `xl/_rels/workbook.xml.rels`; the package itself (`''`) → `_rels/.rels`. */
export function relsPathOf(part: string): string {
  const slash = part.lastIndexOf('/');
  return `${part.slice(0, slash + 1)}_rels/${part.slice(slash + 1)}.rels`;
}

/**
 * The zip entry a relationship target names: relative to the folder of the part that holds
 * the relationship, or absolute from the package root (`/xl/worksheets/sheet1.xml`), and
 * percent-encoded as a URI (ECMA-376 Part 2, 9.3).
 */
export function resolvePart(from: string, target: string): string {
  let path = target;
  try {
    path = decodeURIComponent(target);
  } catch {
    // Not valid percent-encoding: the target is taken as written.
  }
  const segments = path.startsWith('/') ? [] : from.split('/').slice(0, -1);
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  return segments.join('/');
}

/** The relationships of `source` (`''` for the package), read from its rels part. */
export async function readRelationships(
  bytes: AsyncIterable<Uint8Array>,
  relsPath: string,
  source: string,
): Promise<Relationship[]> {
  const relationships: Relationship[] = [];
  await parseXmlPart(bytes, relsPath, {
    open(name, attributes) {
      if (name !== 'Relationship') return;
      const { Id: id = '', Type: type = '', Target: target = '' } = attributes;
      const part = attributes.TargetMode === 'External' ? undefined : resolvePart(source, target);
      relationships.push({ id, kind: type.slice(type.lastIndexOf('/') + 1), part });
    },
    close() {},
    text() {},
  });
  return relationships;
}

export interface WorkbookPart {
  /** Whether serial day 0 is 1904-01-01 (`<workbookPr date1904="1"/>`). */
  date1904: boolean;
  /** Every `<sheet>` in `<sheets>`, in the workbook's order: worksheets, chartsheets and dialog sheets alike. */
  sheets: { name: string; relationshipId: string }[];
}

export async function readWorkbook(bytes: AsyncIterable<Uint8Array>, path: string): Promise<WorkbookPart> {
  const workbook: WorkbookPart = { date1904: false, sheets: [] };
  let inSheets = false;
  await parseXmlPart(bytes, path, {
    open(name, attributes) {
      if (name === 'workbookPr') workbook.date1904 = isTrue(attributes.date1904);
      else if (name === 'sheets') inSheets = true;
      else if (name === 'sheet' && inSheets)
        workbook.sheets.push({
          name: attributes.name ?? '',
          relationshipId: prefixedAttribute(attributes, 'id') ?? '',
        });
    },
    close(name) {
      if (name === 'sheets') inSheets = false;
    },
    text() {},
  });
  return workbook;
}

/** xsd:boolean. */
const isTrue = (value: string | undefined) => value === '1' || value === 'true';

/**
 * The number formats Excel does not write out (ECMA-376 Part 1, 18.8.30). Ids 27–36 and 50–58
 * depend on the reader's locale and are left out, as exceljs left them out.
 */
const BUILTIN_FORMATS: Readonly<Record<number, string>> = {
  0: 'General',
  1: '0',
  2: '0.00',
  3: '#,##0',
  4: '#,##0.00',
  9: '0%',
  10: '0.00%',
  11: '0.00E+00',
  12: '# ?/?',
  13: '# ??/??',
  14: 'mm-dd-yy',
  15: 'd-mmm-yy',
  16: 'd-mmm',
  17: 'mmm-yy',
  18: 'h:mm AM/PM',
  19: 'h:mm:ss AM/PM',
  20: 'h:mm',
  21: 'h:mm:ss',
  22: 'm/d/yy h:mm',
  37: '#,##0 ;(#,##0)',
  38: '#,##0 ;[Red](#,##0)',
  39: '#,##0.00;(#,##0.00)',
  40: '#,##0.00;[Red](#,##0.00)',
  45: 'mm:ss',
  46: '[h]:mm:ss',
  47: 'mmss.0',
  48: '##0.0E+0',
  49: '@',
};

/** The number format of each cell style (`s` on a cell is an index into `<cellXfs>`). */
export async function readStyles(
  bytes: AsyncIterable<Uint8Array>,
  path: string,
): Promise<(style: number) => string | undefined> {
  const custom = new Map<number, string>();
  const formatIds: number[] = [];
  let inNumFmts = false;
  let inCellXfs = false;
  await parseXmlPart(bytes, path, {
    open(name, attributes) {
      if (name === 'numFmts') inNumFmts = true;
      else if (name === 'cellXfs') inCellXfs = true;
      // A `<numFmt>` also sits in each differential format (`<dxf>`), which cells do not use.
      else if (name === 'numFmt' && inNumFmts)
        custom.set(Number(attributes.numFmtId), attributes.formatCode ?? '');
      else if (name === 'xf' && inCellXfs) formatIds.push(Number(attributes.numFmtId ?? 0));
    },
    close(name) {
      if (name === 'numFmts') inNumFmts = false;
      else if (name === 'cellXfs') inCellXfs = false;
    },
    text() {},
  });
  return (style) => {
    const id = formatIds[style];
    return id === undefined ? undefined : (custom.get(id) ?? BUILTIN_FORMATS[id]);
  };
}

/** The plain text of each `<si>`: its runs joined, phonetic runs (`<rPh>`, Japanese readings) left out, `_xHHHH_` decoded. */
export async function readSharedStrings(bytes: AsyncIterable<Uint8Array>, path: string): Promise<string[]> {
  const strings: string[] = [];
  let text = '';
  let inText = false;
  let inPhonetic = false;
  await parseXmlPart(bytes, path, {
    open(name) {
      if (name === 't') inText = true;
      else if (name === 'rPh') inPhonetic = true;
      else if (name === 'si') text = '';
    },
    close(name) {
      if (name === 't') inText = false;
      else if (name === 'rPh') inPhonetic = false;
      else if (name === 'si') strings.push(decodeXString(text));
    },
    text(value) {
      if (inText && !inPhonetic) text += value;
    },
  });
  return strings;
}
