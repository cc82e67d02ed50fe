/**
 * The chaos suite's work: chains of jobs that each depend on the one before, the kinds a
 * user runs, with inputs fixed by a seed so that a fault-free run and a run under faults
 * start from the same bytes.
 *
 * - csv: a CSV of people (typed values, some invalid) → extract into a new workbook → map
 *   into a typed workbook → delete the invalid records → export CSV (4 jobs);
 * - xlsx: a 2-worksheet workbook → extract (1 job);
 * - action: a workbook that declares `submit` → a `submit` job the example executor
 *   acknowledges and completes (1 job);
 * - refused: a PNG named .csv → an extract that fails, refused (1 job).
 */
import { createHash } from 'node:crypto';
import { writeXlsx } from '../../shared/formats/xlsx/write.js';
import { generateTypedCsv, TYPED_FIELDS } from '../e2e/data-plane.fixture.js';
import { prng } from '../helpers/csv.js';

export type ChainKind = 'csv' | 'xlsx' | 'action' | 'refused';

export interface Chain {
  kind: ChainKind;
  /** Unique within the workload: names the chain's resources and seeds its inputs. */
  name: string;
  seed: number;
}

const JOBS_PER_CHAIN: Record<ChainKind, number> = { csv: 4, xlsx: 1, action: 1, refused: 1 };

/** About a tenth each of XLSX and action jobs, 8 % refused files, the rest CSV chains; `jobs` jobs in all. */
export function workload(jobs: number, seed: number): Chain[] {
  const actions = Math.max(1, Math.round(jobs / 10));
  const refused = Math.max(1, Math.round(jobs * 0.08));
  const csvChains = Math.max(1, Math.floor((jobs - actions - refused - Math.round(jobs / 10)) / 4));
  const xlsx = jobs - actions - refused - 4 * csvChains;
  const kinds: ChainKind[] = [
    ...Array<ChainKind>(csvChains).fill('csv'),
    ...Array<ChainKind>(Math.max(0, xlsx)).fill('xlsx'),
    ...Array<ChainKind>(actions).fill('action'),
    ...Array<ChainKind>(refused).fill('refused'),
  ];
  // Interleaved, so that every kind is under way when the faults strike.
  const random = prng(seed);
  for (let i = kinds.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [kinds[i], kinds[j]] = [kinds[j] as ChainKind, kinds[i] as ChainKind];
  }
  return kinds.map((kind, i) => ({ kind, name: `${kind}-${i}`, seed: seed * 1000 + i }));
}

export const jobCount = (chains: Chain[]) =>
  chains.reduce((sum, chain) => sum + JOBS_PER_CHAIN[chain.kind], 0);

export function csvText(chain: Chain): string {
  return generateTypedCsv(300, chain.seed).text;
}

export async function xlsxBytes(chain: Chain): Promise<Buffer> {
  const random = prng(chain.seed);
  const rows = (n: number) =>
    Array.from({ length: n }, (_, i) => [
      String(i),
      `item ${Math.floor(random() * 1e6)}`,
      String(random() < 0.5),
    ]);
  const chunks: Uint8Array[] = [];
  for await (const chunk of writeXlsx(
    { header: ['id', 'item', 'flag'], rows: [rows(120)] },
    { sheetName: 'A' },
  ))
    chunks.push(chunk);
  return Buffer.concat(chunks);
}

export const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
  Buffer.from('IHDR'),
  Buffer.alloc(64, 1),
]);

export { TYPED_FIELDS };

/** A digest of values in order: what two runs must agree on, whatever ids they gave. */
export function digest(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);
}
