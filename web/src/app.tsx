/**
 * partwise in a browser: upload a file (with upload progress), extract it, watch the job
 * live from pushed events, read the records (invalid cells marked, with their messages), run
 * the workbook's actions, map, delete and export, and download an export. It holds a
 * short-lived browser token, never an API key.
 */
import { render } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { endsJob, isFinal } from '../../shared/domain/status.js';
import {
  type Api,
  apiClient,
  type CreateJobBody,
  dataOf,
  type Sheet,
  type SheetRecord,
  type Workbook,
} from './api.js';
import { loadConfig, type PageConfig } from './config.js';
import { connectPush } from './push.js';
import { TokenSource } from './token.js';
import { uploadFile } from './upload.js';
import { Actions, JobProgress, type OfferedAction, Pace, RecordsTable, type Watched } from './views.js';

const PAGE_SIZE = 50;
const FORMATS = ['csv', 'tsv', 'xlsx', 'ndjson', 'json'] as const;

interface Shown {
  workbook: Workbook;
  sheet: Sheet;
  records: SheetRecord[];
  offset: number;
  total: number;
}

function App({ api, tokens, config }: { api: Api; tokens: TokenSource; config: PageConfig }) {
  const [uploaded, setUploaded] = useState<{ sent: number; total: number; name: string }>();
  const upload = useRef<Promise<string> | undefined>(undefined);
  const [job, setJob] = useState<Watched>();
  const watched = useRef<{ id: string; pace: Pace; sequence: number; ended: boolean } | undefined>(undefined);
  const [status, setStatus] = useState('Choose a file, then Extract.');
  const [shown, setShown] = useState<Shown>();
  const [workbooks, setWorkbooks] = useState<Workbook[]>([]);
  const [download, setDownload] = useState<{ fileId: string; name: string }>();
  const [live, setLive] = useState(false);

  const busy = job !== undefined && !isFinal(job.status);

  /**
   * Shows the job as an event or a read gives it; once it ended, what it produced. Events may
   * arrive out of order on AWS: one older than what is shown (its `sequence`), or anything
   * after the job was seen to end, is left out.
   */
  const see = (next: Watched, ended: boolean, sequence?: number) => {
    const current = watched.current;
    if (!current || next.id !== current.id || current.ended) return;
    if (sequence !== undefined) {
      if (sequence <= current.sequence) return;
      current.sequence = sequence;
    }
    if (ended) current.ended = true;
    current.pace.observe(next);
    setJob({ ...next });
    if (!isFinal(next.status)) {
      setStatus(`${next.operation}: ${next.status.toLowerCase()}`);
      return;
    }
    if (ended) void finished(next.id);
  };

  const finished = async (id: string) => {
    const done = dataOf(await api.GET('/jobs/{id}', { params: { path: { id } } }));
    if (watched.current?.id !== id) return;
    setJob(done);
    if (done.status === 'FAILED') {
      setStatus(`${done.operation} failed: ${done.error?.message ?? 'no reason given'}`);
      return;
    }
    if (done.status === 'CANCELED') {
      setStatus(`${done.operation} canceled`);
      return;
    }
    const message = typeof done.outcome?.message === 'string' ? ` — ${done.outcome.message}` : '';
    setStatus(`${done.operation} completed${message}`);
    // A file to take away: an export's, or what an outcome links (`next: {type: 'download'}`:
    // a rejected-rows report, an action's result).
    const next = done.outcome?.next;
    const linked =
      typeof next === 'object' &&
      next !== null &&
      'type' in next &&
      next.type === 'download' &&
      'fileId' in next
        ? next.fileId
        : undefined;
    const fileId =
      done.operation === 'export' ? done.destination : typeof linked === 'string' ? linked : undefined;
    if (fileId) {
      const file = dataOf(await api.GET('/files/{id}', { params: { path: { id: fileId } } }));
      setDownload({ fileId: file.id, name: file.name });
    }
    const sheetId = typeof done.outcome?.sheetId === 'string' ? done.outcome.sheetId : shown?.sheet.id;
    if (sheetId) await showSheet(sheetId, 0);
  };

  const showSheet = async (sheetId: string, offset: number) => {
    const sheet = dataOf(await api.GET('/sheets/{id}', { params: { path: { id: sheetId } } }));
    const workbook = dataOf(await api.GET('/workbooks/{id}', { params: { path: { id: sheet.workbookId } } }));
    const page = await api.GET('/sheets/{id}/records', {
      params: { path: { id: sheetId }, query: { offset, limit: PAGE_SIZE } },
    });
    if (!page.data) return dataOf(page);
    setShown({ workbook, sheet, records: page.data.data, offset, total: page.data.total });
    const all = await api.GET('/workbooks', {});
    if (all.data) setWorkbooks(all.data.data.filter((w) => w.id !== workbook.id));
  };

  /** Creates a job that starts at once and watches it. */
  const run = async (body: CreateJobBody) => {
    setDownload(undefined);
    const created = dataOf(await api.POST('/jobs', { body: { trigger: 'immediate', ...body } }));
    watched.current = { id: created.id, pace: new Pace(), sequence: 0, ended: false };
    see(created, isFinal(created.status));
    // Anything that happened before the socket saw it: read once more.
    const now = dataOf(await api.GET('/jobs/{id}', { params: { path: { id: created.id } } }));
    see(now, isFinal(now.status));
  };

  const attempt = (work: () => Promise<unknown>) => () => {
    work().catch((error: unknown) =>
      setStatus(`Error: ${error instanceof Error ? error.message : String(error)}`),
    );
  };

  // `?sheet=sh_…` opens a sheet that exists: its records, its workbook's actions.
  useEffect(() => {
    const sheetId = new URLSearchParams(location.search).get('sheet');
    if (sheetId) attempt(() => showSheet(sheetId, 0))();
  }, []);

  useEffect(() => {
    const push = connectPush(config.wsUrl, tokens, {
      onEvent: (event) => {
        see({ ...event.job, id: event.jobId }, endsJob(event), event.sequence);
      },
      onOpen: () => {
        setLive(true);
        const current = watched.current;
        if (current) {
          void api.GET('/jobs/{id}', { params: { path: { id: current.id } } }).then((read) => {
            if (read.data) see(read.data.data, isFinal(read.data.data.status));
          });
        }
      },
      onDown: () => setLive(false),
      onNoToken: (reason) => {
        setLive(false);
        setStatus(reason);
      },
    });
    return () => push.close();
  }, []);

  const onFile = (file: File | undefined) => {
    if (!file) return;
    setUploaded({ sent: 0, total: file.size, name: file.name });
    setStatus(`Uploading ${file.name}…`);
    const started = uploadFile(api, file, (sent, total) => setUploaded({ sent, total, name: file.name }));
    upload.current = started;
    started.then(
      () => setStatus(`${file.name} uploaded: Extract it.`),
      (error: unknown) =>
        setStatus(`Upload failed: ${error instanceof Error ? error.message : String(error)}`),
    );
  };

  const sheet = shown?.sheet;
  const offered: OfferedAction[] = shown
    ? [
        ...(shown.workbook.actions ?? []).map((action) => ({
          action,
          type: 'workbook' as const,
          source: shown.workbook.id,
        })),
        ...(shown.sheet.actions ?? []).map((action) => ({
          action,
          type: 'sheet' as const,
          source: shown.sheet.id,
        })),
      ]
    : [];

  return (
    <>
      <header>
        <h1>partwise</h1>
        <span class={live ? 'live on' : 'live'}>{live ? 'live' : 'connecting…'}</span>
      </header>
      <section class="extract" aria-label="Extract a file">
        <label>
          File
          <input
            type="file"
            accept=".csv,.tsv,.txt,.ndjson,.jsonl,.json,.xlsx"
            onChange={(e) => onFile(e.currentTarget.files?.[0])}
          />
        </label>
        {uploaded ? <progress aria-label="Upload" max={uploaded.total || 1} value={uploaded.sent} /> : null}
        <button
          type="button"
          class="primary"
          disabled={busy || !uploaded}
          onClick={attempt(async () => {
            const source = await upload.current;
            if (source) await run({ type: 'file', operation: 'extract', source });
          })}
        >
          Extract
        </button>
      </section>

      <p role="status" class="status">
        {status}
      </p>
      {job && watched.current ? <JobProgress job={job} pace={watched.current.pace} /> : null}
      {download ? (
        <button
          type="button"
          class="download"
          onClick={attempt(async () => {
            const answer = await api.GET('/files/{id}/content', {
              params: { path: { id: download.fileId } },
              parseAs: 'blob',
            });
            if (!answer.data) return dataOf(answer);
            const link = document.createElement('a');
            link.href = URL.createObjectURL(answer.data);
            link.download = download.name;
            link.click();
            setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
          })}
        >
          Download {download.name}
        </button>
      ) : null}

      {shown && sheet ? (
        <>
          <Actions
            offered={offered}
            busy={busy}
            onRun={(o, input) =>
              attempt(() =>
                run({
                  type: o.type,
                  operation: o.action.operation,
                  source: o.source,
                  ...(input ? { input } : {}),
                }),
              )()
            }
          />
          <section class="operations" aria-label="Operations">
            <form
              onSubmit={(event) => {
                event.preventDefault();
                const format = new FormData(event.currentTarget).get('format');
                attempt(() =>
                  run({ type: 'sheet', operation: 'export', source: sheet.id, config: { format } }),
                )();
              }}
            >
              <label>
                Format
                <select name="format">
                  {FORMATS.map((f) => (
                    <option key={f} value={f}>
                      {f}
                    </option>
                  ))}
                </select>
              </label>
              <button type="submit" disabled={busy}>
                Export
              </button>
            </form>
            <button
              type="button"
              disabled={busy}
              onClick={() => {
                if (confirm(`Delete the invalid records of ${sheet.name}?`))
                  attempt(() =>
                    run({
                      type: 'sheet',
                      operation: 'delete',
                      source: sheet.id,
                      config: { filter: { valid: false } },
                    }),
                  )();
              }}
            >
              Delete invalid records
            </button>
            {workbooks.length ? (
              <form
                onSubmit={(event) => {
                  event.preventDefault();
                  const destination = String(new FormData(event.currentTarget).get('destination'));
                  attempt(() =>
                    run({
                      type: 'sheet',
                      operation: 'map',
                      source: sheet.id,
                      destination,
                      config: { mappings: [{}] },
                    }),
                  )();
                }}
              >
                <label>
                  Map into
                  <select name="destination">
                    {workbooks.map((w) => (
                      <option key={w.id} value={w.id}>
                        {w.name}
                      </option>
                    ))}
                  </select>
                </label>
                <button type="submit" disabled={busy}>
                  Map
                </button>
              </form>
            ) : null}
          </section>
          <RecordsTable
            sheet={sheet}
            records={shown.records}
            offset={shown.offset}
            total={shown.total}
            pageSize={PAGE_SIZE}
            onPage={(offset) => attempt(() => showSheet(sheet.id, offset))()}
          />
        </>
      ) : null}
    </>
  );
}

async function start() {
  const root = document.getElementById('app');
  if (!root) return;
  try {
    const config = await loadConfig();
    const tokens = new TokenSource(config);
    await tokens.get();
    render(<App api={apiClient(config, tokens)} tokens={tokens} config={config} />, root);
  } catch (error) {
    root.innerHTML = '';
    const p = document.createElement('p');
    p.setAttribute('role', 'status');
    p.textContent = `partwise cannot start: ${error instanceof Error ? error.message : String(error)}`;
    root.append(p);
  }
}

void start();
