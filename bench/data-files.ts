/**
 * The bench's input files, generated under bench/data/ and reused when already there.
 *
 * A CSV row holds the hard cases partwise has to get right — a quoted comma, doubled quotes,
 * a line break inside a field, an empty field — and columns a typed sheet can convert
 * (number, boolean, date, enum; about 1 % of amounts are `n/a`, so a typed map finds
 * invalid records). A 1 GB file has to be written in seconds, so the generator builds one
 * block of distinct row bodies and repeats it with a fresh `id` per row, writing in 4 MiB
 * chunks: the parser still sees every quoted comma and newline, at any size.
 */
import { existsSync } from 'node:fs';
import { mkdir, open, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { prng } from '../test/helpers/csv.js';

export const DATA_DIR = join(import.meta.dirname, 'data');

export const HEADER = ['id', 'name', 'email', 'note', 'amount', 'active', 'joined', 'status'];

/** One row's values after `id`, as text (CSV) and as cells (XLSX). */
interface RowBody {
  cells: (string | number | boolean)[];
  csv: string;
}

const FIRST = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Ken', 'Margaret', 'Linus'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Allen', "O'Brien", 'Müller'];
const STATUS = ['Active', 'Pending', 'Closed'];
/** A prime, so the block does not line up with any power-of-two part size. */
const BLOCK_ROWS = 10_007;

function csvCell(value: string | number | boolean): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function note(random: () => number, first: string): string {
  switch (Math.floor(random() * 6)) {
    case 0:
      return '';
    case 1:
      return `called ${first}, left a message`; // quoted comma
    case 2:
      return `said "call me back" twice`; // doubled quotes
    case 3:
      return `first line\nsecond line`; // newline inside a field
    default:
      return `plain note ${Math.floor(random() * 1000)}`;
  }
}

function rowBodies(seed: number): RowBody[] {
  const random = prng(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)] as T;
  const bodies: RowBody[] = [];
  for (let i = 0; i < BLOCK_ROWS; i++) {
    const first = pick(FIRST);
    const last = pick(LAST);
    const name = random() < 0.25 ? `${last}, ${first}` : `${first} ${last}`;
    const amount = random() < 0.01 ? 'n/a' : Number((random() * 10_000).toFixed(2));
    const month = String(1 + Math.floor(random() * 12)).padStart(2, '0');
    const day = String(1 + Math.floor(random() * 28)).padStart(2, '0');
    const cells = [
      name,
      `${first}.${last}${i}@example.com`.toLowerCase().replace("'", ''),
      note(random, first),
      amount,
      random() < 0.5,
      `20${10 + Math.floor(random() * 16)}-${month}-${day}`,
      pick(STATUS),
    ];
    bodies.push({ cells, csv: cells.map(csvCell).join(',') });
  }
  return bodies;
}

export interface DataFile {
  path: string;
  rows: number;
  bytes: number;
}

/** Writes to a temp name and renames at the end: a file under its final name is complete. */
async function generated(
  path: string,
  rows: number,
  write: (tmp: string) => Promise<void>,
): Promise<DataFile> {
  if (!existsSync(path)) {
    await mkdir(DATA_DIR, { recursive: true }); // git keeps no empty folder: a fresh clone has none
    const tmp = `${path}.tmp`;
    await write(tmp);
    await rename(tmp, path);
  }
  return { path, rows, bytes: (await stat(path)).size };
}

/** `rows` data rows (plus the header) of CSV, about 100 bytes a row. */
export function csvFile(rows: number): Promise<DataFile> {
  return generated(join(DATA_DIR, `people-${rows}.csv`), rows, async (tmp) => {
    const bodies = rowBodies(1);
    const file = await open(tmp, 'w');
    try {
      let chunk = `${HEADER.join(',')}\n`;
      for (let id = 0; id < rows; id++) {
        chunk += `${id},${(bodies[id % BLOCK_ROWS] as RowBody).csv}\n`;
        if (chunk.length >= 4 << 20) {
          await file.write(chunk);
          chunk = '';
        }
      }
      await file.write(chunk);
    } finally {
      await file.close();
    }
  });
}

/**
 * `rows` data rows of XLSX, one worksheet, written with exceljs's streaming writer as Excel
 * writes files: strings in the shared strings table, which comes after the worksheet (so a
 * reader has to hold the worksheet back until it has the strings).
 */
export function xlsxFile(rows: number): Promise<DataFile> {
  return generated(join(DATA_DIR, `people-${rows}.xlsx`), rows, async (tmp) => {
    const bodies = rowBodies(2);
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
      filename: tmp,
      useSharedStrings: true,
      useStyles: false,
    });
    const sheet = workbook.addWorksheet('People');
    sheet.addRow(HEADER).commit();
    for (let id = 0; id < rows; id++)
      sheet.addRow([id, ...(bodies[id % BLOCK_ROWS] as RowBody).cells]).commit();
    sheet.commit();
    await workbook.commit();
  });
}
