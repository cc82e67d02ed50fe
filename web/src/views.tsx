/**
 * The page's pieces, each a function of what it shows: the job's progress and status, a
 * sheet's records, and the actions a workbook declares (with their input forms).
 */
import { useState } from 'preact/hooks';
import { formatSeconds, Pace } from '../../shared/client/pace.js';
import type { JobStatus } from '../../shared/domain/status.js';
import type { Action, Field, Sheet, SheetRecord } from './api.js';

const count = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export interface Watched {
  id: string;
  operation: string;
  status: JobStatus;
  parts: number;
  processed: number;
  progress: number;
  rowsProcessed?: number | undefined;
}

/** The job's progress bar: parts processed of total, rows, rows per second, ETA. */
export function JobProgress({ job, pace }: { job: Watched; pace: Pace }) {
  const rate = pace.rowsPerSecond();
  const eta = pace.etaSeconds();
  // A completed job is done, whatever an outside executor last reported.
  const progress = job.status === 'COMPLETED' ? 100 : job.progress;
  return (
    <section class="progress" aria-label="Job progress">
      <div
        role="progressbar"
        aria-label={`${job.operation} progress`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={progress}
        class="bar"
      >
        <div class="fill" style={{ width: `${progress}%` }} />
      </div>
      {/* A job in parts counts them; an action's job has none (its executor reports progress). */}
      <p class="numbers" hidden={job.parts === 0}>
        {job.processed}/{job.parts} parts
        {job.rowsProcessed === undefined ? '' : ` · ${count.format(job.rowsProcessed)} rows`}
        {rate === undefined ? '' : ` · ${count.format(rate)} rows/s`}
        {eta === undefined || progress >= 100 ? '' : ` · ETA ${formatSeconds(eta)}`}
      </p>
    </section>
  );
}

/** One page of a sheet's records; an invalid cell is marked and says why. */
export function RecordsTable(props: {
  sheet: Sheet;
  records: SheetRecord[];
  offset: number;
  total: number;
  onPage: (offset: number) => void;
  pageSize: number;
}) {
  const { sheet, records, offset, total, pageSize } = props;
  return (
    <section class="records" aria-label="Records">
      <table>
        <caption>
          {sheet.name}: records {total === 0 ? 0 : offset + 1}–{offset + records.length} of{' '}
          {count.format(total)}
        </caption>
        <thead>
          <tr>
            {sheet.fields.map((field) => (
              <th scope="col" key={field.key}>
                {field.label ?? field.key}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {records.map((record) => (
            <tr key={record.id} class={record.valid ? '' : 'invalid-row'}>
              {sheet.fields.map((field) => {
                const message = record.messages?.[field.key];
                const value = record.values[field.key];
                return (
                  <td
                    key={field.key}
                    class={message ? 'invalid' : ''}
                    aria-invalid={message ? 'true' : undefined}
                  >
                    <span class="value">{value === null || value === undefined ? '' : String(value)}</span>
                    {message ? <small class="message">{message}</small> : null}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      <nav class="pager" aria-label="Pages of records">
        <button
          type="button"
          disabled={offset === 0}
          onClick={() => props.onPage(Math.max(0, offset - pageSize))}
        >
          Previous
        </button>
        <button
          type="button"
          disabled={offset + records.length >= total}
          onClick={() => props.onPage(offset + pageSize)}
        >
          Next
        </button>
      </nav>
    </section>
  );
}

export interface OfferedAction {
  action: Action;
  type: 'workbook' | 'sheet';
  source: string;
}

/** The declared actions as buttons; one with an input form opens it first. */
export function Actions(props: {
  offered: OfferedAction[];
  busy: boolean;
  onRun: (offered: OfferedAction, input: Record<string, unknown> | undefined) => void;
}) {
  const [open, setOpen] = useState<OfferedAction | undefined>();
  if (props.offered.length === 0) return null;
  return (
    <section class="actions" aria-label="Actions">
      {props.offered.map((offered) => (
        <button
          type="button"
          key={`${offered.source}:${offered.action.operation}`}
          class={offered.action.primary ? 'primary' : ''}
          disabled={props.busy}
          title={offered.action.description}
          onClick={() => {
            if (offered.action.inputForm) return setOpen(offered);
            if (offered.action.confirm && !confirm(`${offered.action.label}?`)) return;
            props.onRun(offered, undefined);
          }}
        >
          {offered.action.label}
        </button>
      ))}
      {open?.action.inputForm ? (
        <ActionForm
          offered={open}
          fields={open.action.inputForm.fields}
          onCancel={() => setOpen(undefined)}
          onSubmit={(input) => {
            setOpen(undefined);
            props.onRun(open, input);
          }}
        />
      ) : null}
    </section>
  );
}

function ActionForm(props: {
  offered: OfferedAction;
  fields: Field[];
  onSubmit: (input: Record<string, unknown>) => void;
  onCancel: () => void;
}) {
  return (
    <form
      aria-label={props.offered.action.label}
      onSubmit={(event) => {
        event.preventDefault();
        const form = new FormData(event.currentTarget);
        const input: Record<string, unknown> = {};
        for (const field of props.fields) {
          const raw = form.get(field.key);
          if (field.type === 'boolean') input[field.key] = raw === 'on';
          else if (raw === null || raw === '') continue;
          else input[field.key] = field.type === 'number' ? Number(raw) : String(raw);
        }
        props.onSubmit(input);
      }}
    >
      <fieldset>
        <legend>{props.offered.action.label}</legend>
        {props.fields.map((field) => (
          <span class="field" key={field.key}>
            <label for={`input-${field.key}`}>{field.label ?? field.key}</label>
            <FieldInput field={field} id={`input-${field.key}`} />
          </span>
        ))}
        <button type="submit">Run</button>
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
      </fieldset>
    </form>
  );
}

function FieldInput({ field, id }: { field: Field; id: string }) {
  const required = field.required === true;
  switch (field.type) {
    case 'boolean':
      return <input id={id} type="checkbox" name={field.key} />;
    case 'number':
      return <input id={id} type="number" step="any" name={field.key} required={required} />;
    case 'date':
      return <input id={id} type="date" name={field.key} required={required} />;
    case 'enum':
      return (
        <select id={id} name={field.key} required={required}>
          <option value="">—</option>
          {(field.options ?? []).map((option) => (
            <option key={option} value={option}>
              {option}
            </option>
          ))}
        </select>
      );
    default:
      return <input id={id} type="text" name={field.key} required={required} />;
  }
}

export { Pace };
