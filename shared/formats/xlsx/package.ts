/**
 * The fixed parts of a workbook package the writer makes: the least a SpreadsheetML package
 * holds for Excel to open it without a repair prompt (ECMA-376 Part 1, 12.2 and 18.2; Part 2,
 * 10.1): content types, the package's and the workbook's relationships, the workbook and a
 * minimal stylesheet (one font, the two fills Excel reserves, one border, one cell format).
 * Every cell is text, so there is no number or date format to declare.
 */

const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const RELATIONSHIPS = 'http://schemas.openxmlformats.org/package/2006/relationships';
const OFFICE_RELATIONSHIPS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml';
const DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

/** The zip entry of the `n`th worksheet (0-based). */
export const worksheetPath = (n: number) => `xl/worksheets/sheet${n + 1}.xml`;

/** `& < > "` as entities: safe in text and in double-quoted attribute values. */
export function escapeXml(text: string): string {
  return /[&<>"]/.test(text)
    ? text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
    : text;
}

/** The parts around the worksheets, by zip entry name, for sheets named `names` (already valid Excel names). */
export function packageParts(names: readonly string[]): [path: string, xml: string][] {
  const sheetIds = names.map((_, i) => i + 1);
  return [
    [
      '[Content_Types].xml',
      `${DECLARATION}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
        `<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
        `<Default Extension="xml" ContentType="application/xml"/>` +
        `<Override PartName="/xl/workbook.xml" ContentType="${CONTENT_TYPE}.sheet.main+xml"/>` +
        `<Override PartName="/xl/styles.xml" ContentType="${CONTENT_TYPE}.styles+xml"/>` +
        sheetIds
          .map(
            (id) =>
              `<Override PartName="/${worksheetPath(id - 1)}" ContentType="${CONTENT_TYPE}.worksheet+xml"/>`,
          )
          .join('') +
        '</Types>',
    ],
    [
      '_rels/.rels',
      `${DECLARATION}<Relationships xmlns="${RELATIONSHIPS}">` +
        `<Relationship Id="rId1" Type="${OFFICE_RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/>` +
        '</Relationships>',
    ],
    [
      'xl/workbook.xml',
      `${DECLARATION}<workbook xmlns="${MAIN}" xmlns:r="${OFFICE_RELATIONSHIPS}">` +
        '<bookViews><workbookView/></bookViews><sheets>' +
        names
          .map((name, i) => `<sheet name="${escapeXml(name)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`)
          .join('') +
        '</sheets></workbook>',
    ],
    [
      'xl/_rels/workbook.xml.rels',
      `${DECLARATION}<Relationships xmlns="${RELATIONSHIPS}">` +
        sheetIds
          .map(
            (id) =>
              `<Relationship Id="rId${id}" Type="${OFFICE_RELATIONSHIPS}/worksheet" Target="worksheets/sheet${id}.xml"/>`,
          )
          .join('') +
        `<Relationship Id="rId${names.length + 1}" Type="${OFFICE_RELATIONSHIPS}/styles" Target="styles.xml"/>` +
        '</Relationships>',
    ],
    [
      'xl/styles.xml',
      `${DECLARATION}<styleSheet xmlns="${MAIN}">` +
        '<fonts count="1"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>' +
        '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>' +
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
        '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>' +
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>' +
        '</styleSheet>',
    ],
  ];
}

/** What a worksheet part holds before and after its rows. */
export const WORKSHEET_HEAD = `${DECLARATION}<worksheet xmlns="${MAIN}"><sheetData>`;
export const WORKSHEET_TAIL = '</sheetData></worksheet>';
