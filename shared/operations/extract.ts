import { config as settings } from '../config.js';
import { ConflictError, ValidationError } from '../domain/errors.js';
import { type Field, runOf, type Sheet } from '../domain/resources.js';
import { parseEncoding } from '../formats/index.js';
import { removeRun } from './cleanup.js';
import { mappingProblems, matchColumns } from './columns.js';
import { scanCsvRangeOf } from './csv-scans.js';
import { defineOperation } from './define-operation.js';
import { ExtractConfig } from './extract-config.js';
import { createdWorkbookId, createWorkbook, destinationSheets } from './extract-destination.js';
import {
  closeLedger,
  type PartTally,
  removeNotes,
  removePartNotes,
  tallyOf,
  tallyStats,
} from './extract-ledger.js';
import { extractOutcome } from './extract-outcome.js';
import { extractPart } from './extract-part.js';
import { extractReportRequest, failedPartTally, removeFailedSegments } from './extract-report.js';
import { checkCreatedMapping, reviewExtract, reviseExtractPlan } from './extract-review.js';
import { planSource, type SourceTable } from './extract-source.js';
import { ExtractState, type TableTarget } from './extract-state.js';
import type { PartMessage } from './operation.js';
import { loadPlan, partStatsOf, savePlan } from './plans.js';
import { removeReports, reportOutcome, writeReport } from './report.js';
import { reportFragmentKeys } from './report-fragment.js';
import { availableFile, destinationsRemain, resolveSheet } from './resources.js';
import { parseConfig } from './validation.js';

/** What the parts read from S3: the byte ranges, and per table its header, fields and columns. */
export interface ExtractPlan {
  boundaries?: number[];
  tables: (SourceTable & { fields: Field[]; columns: number[] })[];
}

/** Extract: a file → sheets of a new workbook, or of an existing one (`destination`), converted to the fields' types. */
export const extract = defineOperation({
  name: 'extract',
  types: ['file'],
  toleratesFailedParts: true,
  config: ExtractConfig,
  state: ExtractState,

  async validate(request, services) {
    const config = parseConfig(ExtractConfig, request.config, 'extract');
    await availableFile(services, request.environmentId, request.source);
    if (request.destination) await resolveSheet(services, request.environmentId, request.destination);
    if (config.mapping) await checkCreatedMapping(services, request, config.mapping);
    return config;
  },

  async plan({ job, config }, services) {
    const file = await availableFile(services, job.environmentId, job.source);
    const headerRow = config.headerRow ?? 1;
    const layout = await planSource(services, file, {
      job,
      headerRow,
      partSize: config.partSizeBytes ?? settings.defaultPartSizeBytes,
      ...(config.format ? { format: config.format } : {}),
      ...(config.encoding ? { encoding: parseEncoding(config.encoding) } : {}),
      ...(config.delimiter ? { delimiter: config.delimiter } : {}),
    });
    let destination = job.destination;
    let sheets: (Sheet | undefined)[];
    // A plan made again (PATCH /jobs/:id/plan) finds the workbook its first plan created as the
    // job's destination: it is made again from this header (same ids), not taken as it was.
    if (destination && destination !== createdWorkbookId(job.id)) {
      sheets = await destinationSheets(services, job, layout.tables);
    } else {
      const created = await createWorkbook(services, job, file.name, layout.tables);
      destination = created.workbookId;
      sheets = created.sheets;
    }
    if (config.mapping) {
      const tables = layout.tables.map((table, i) => ({
        header: table.header,
        sheet: sheets[i]?.name ?? '',
        fields: sheets[i]?.fields ?? [],
      }));
      const problems = mappingProblems(tables, config.mapping);
      if (problems.length > 0) {
        const shown = problems.map((problem) => `"${problem.column}": ${problem.detail}`).join('; ');
        throw new ValidationError(`config.mapping does not fit the file: ${shown}.`);
      }
    }
    const plan: ExtractPlan = { tables: [] };
    if (layout.boundaries) plan.boundaries = layout.boundaries;
    const targets: TableTarget[] = [];
    for (const [i, table] of layout.tables.entries()) {
      const sheet = sheets[i];
      const match = sheet
        ? matchColumns(table.header, sheet.fields, config.mapping)
        : { columns: [], unmatchedColumns: [], missingFields: [] };
      plan.tables.push({ ...table, fields: sheet?.fields ?? [], columns: match.columns });
      targets.push({
        name: table.name,
        ...(sheet ? { sheetId: sheet.id } : {}),
        run: sheet ? await services.resources.reserveRun(sheet.id) : 0,
        unmatchedColumns: match.unmatchedColumns,
        missingFields: match.missingFields,
      });
    }
    const { boundaries, tables: _, ...planned } = layout;
    const state = {
      planKey: await savePlan(services, job, plan),
      file,
      workbookId: sheets.find((sheet) => sheet)?.workbookId ?? destination,
      layout: { ...planned, ...(boundaries ? { headerEnd: boundaries[0] } : {}) },
      headerRow,
      targets,
    };
    const parts = layout.boundaries ? layout.boundaries.length - 1 : layout.tables.length;
    return { parts, destination, state };
  },

  async partMessages({ job, state }, from, to, services) {
    const { boundaries } = await loadPlan<ExtractPlan>(services, state.planKey);
    const messages: PartMessage[] = [];
    for (let part = from; part < to; part++) {
      messages.push({
        jobId: job.id,
        part,
        ...(boundaries
          ? { range: { start: boundaries[part] ?? 0, endExclusive: boundaries[part + 1] ?? 0 } }
          : {}),
      });
    }
    return messages;
  },

  async runPart({ job, state }, message, services) {
    const { planKey, layout, headerRow, targets, file } = state;
    const plan = await loadPlan<ExtractPlan>(services, planKey);
    const tableIndex = plan.boundaries ? 0 : message.part;
    const table = plan.tables[tableIndex];
    const target = targets[tableIndex];
    const range = message.range;
    const empty: PartTally = { read: 0, rows: 0, invalid: 0, rejected: 0, warned: 0, notes: 0 };
    // A worksheet no sheet of the destination took is not read (the outcome names it); an
    // empty file has nothing to read.
    if (!table || !target?.sheetId || layout.size === 0) {
      const tiled = range ? { start: range.start, end: range.endExclusive, bytes: 0, lineBreaks: 0 } : {};
      return tallyStats({ ...empty, ...tiled });
    }
    const tally = await extractPart(services, {
      job,
      file,
      layout,
      headerRow,
      table: { ...table, index: tableIndex },
      target: { sheetId: target.sheetId, run: target.run },
      message,
    });
    return tallyStats(tally);
  },

  async finalize({ job, state }, services, settled) {
    const { targets, layout, workbookId } = state;
    const plan = await loadPlan<ExtractPlan>(services, state.planKey);
    // A part that failed for good may have stored its segment before it failed: its records
    // are not the job's (the outcome says they are missing, and a retry writes them again).
    await removeFailedSegments(services, state, settled);
    const sheets = [];
    for (const target of targets) {
      if (!target.sheetId) continue;
      const segments = (await services.resources.listSegments(target.sheetId)).filter(
        (segment) => runOf(segment.ordinal) === target.run,
      );
      const records = segments.reduce((sum, s) => sum + s.rows, 0);
      const invalid = segments.reduce((sum, s) => sum + s.invalid, 0);
      const { name, sheetId, unmatchedColumns, missingFields } = target;
      sheets.push({ name, sheetId, records, invalid, unmatchedColumns, missingFields });
    }
    const failed = new Set(settled.failed.map((f) => f.part));
    const tallies: PartTally[] = [];
    for (const [part, stats] of (await partStatsOf(services, job)).entries()) {
      // A failed part read nothing: its range is a gap the ledger names, not a hole in the
      // tiling, and its line breaks are counted here so that later lines stay the file's.
      tallies.push(
        failed.has(part) ? await failedPartTally(services, state, plan.boundaries, part) : tallyOf(stats),
      );
    }
    const ledger = await closeLedger(services, {
      job,
      tallies,
      recordsStored: sheets.reduce((sum, s) => sum + s.records, 0),
      recordsInvalid: sheets.reduce((sum, s) => sum + s.invalid, 0),
      ...(layout.headerEnd === undefined
        ? {}
        : { bytes: { headerEnd: layout.headerEnd, size: layout.size } }),
      headerLineBreaks: layout.headerLineBreaks,
    });
    const input = { job, state, tallies, ledger, settled };
    const report = await writeReport(services, extractReportRequest(input));
    // The plan and the parts' notes go with the job's plans: at once, or after a retry window.
    const skipped = targets.filter((t) => !t.sheetId).map((t) => t.name);
    const outcome = extractOutcome({
      layout,
      ledger,
      sheets,
      skipped,
      ...(workbookId ? { workbookId } : {}),
    });
    return { ...outcome, ...reportOutcome(report) };
  },

  /** A retry reruns parts on the bytes they were planned on: the file must not have changed. */
  async checkRetry({ job, state }, services) {
    const stat = await services.resources
      .getFile(state.file.id)
      .then((file) => (file && file.status === 'available' ? services.blobs.stat(file.key) : undefined));
    if (!stat || (state.layout.etag !== undefined && stat.etag !== state.layout.etag)) {
      throw new ConflictError(
        `File ${state.file.id} ${stat ? 'has changed' : 'is gone'} since job ${job.id} planned its parts: a retry would read other bytes. Create a new extract.`,
        'source-changed',
      );
    }
    await destinationsRemain(
      services,
      state.targets.flatMap((t) => (t.sheetId ? [t.sheetId] : [])),
      job.id,
    );
  },

  review: (planned, services) => reviewExtract(planned, services),
  revisePlan: (planned, patch, services) => reviseExtractPlan(planned, patch, services),

  scanRange: ({ job }, command, services) => scanCsvRangeOf(services, job, command),

  async discardLatePart({ job }, message, services) {
    // The segment it rewrote is the one finalize counted (same key, same rows); its notes and
    // report fragment were read by finalize and removed with the plans, and are written
    // again here: they go.
    await removePartNotes(services, job, message.part);
    await services.blobs.remove(reportFragmentKeys(job, message.part));
  },

  /**
   * Removes the segments of this extract's runs. A workbook the extract created stays, with
   * empty sheets, where `job.destination` points (the caller may have begun to use it);
   * one created by a planning attempt that never committed is pointed at by nobody and goes.
   */
  async abandon({ job, state }, services) {
    await removeReports(services, job);
    for (const target of state?.targets ?? []) {
      if (target.sheetId) await removeRun(services, target.sheetId, target.run);
    }
    await removeNotes(services, job);
    const created = createdWorkbookId(job.id);
    if (!job.destination) {
      const workbook = await services.resources.getWorkbook(created);
      if (workbook) await services.resources.deleteWorkbook(workbook);
      return { message: 'The extract ended before it wrote any record.' };
    }
    if (job.destination === created) {
      return {
        message: `No record of this extract remains: its workbook ${created} stays, with empty sheets (DELETE /workbooks/${created} removes it).`,
        workbookId: created,
      };
    }
    // The destination is a workbook, or a sheet of one: the outcome names each for what it is.
    const sheet = job.destination.startsWith('sh_')
      ? await services.resources.getSheet(job.destination)
      : undefined;
    return {
      message: `No record of this extract remains in ${job.destination}: it holds what it held before.`,
      ...(sheet ? { workbookId: sheet.workbookId, sheetId: sheet.id } : { workbookId: job.destination }),
    };
  },
});
