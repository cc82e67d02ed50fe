/**
 * The seed's UI flow in a real browser (headless Chromium, test/helpers/browser.ts) against
 * the local stack: a component triggers a job, the page POSTs /jobs, the server pushes
 * job:completed, the page updates. Parts are small and slowed (`slowPartsMs`) so that
 * progress can be watched. Screenshots go to test-artifacts/.
 */
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot } from '../helpers/browser.js';
import { bodyOf, destinationOf, sheetOf } from '../helpers/client.js';
import { generateCsv } from '../helpers/csv.js';
import { remoteTarget, useTarget } from '../helpers/stack.js';
import { waitFor } from '../helpers/wait.js';

// Small parts (about 40) that take a second each, on one processor worker taking a batch of
// 10 at a time: the extract runs for about 4 s, long enough for progress events (at most one
// a second per job) to show values between 0 and 100.
const context = useTarget({
  env: {
    PARTWISE_FAULTS: JSON.stringify({ slowPartsMs: 1000 }),
    PARTWISE_DEFAULT_PART_SIZE_BYTES: String(5 * 1024),
    PARTWISE_LOCAL_WORKERS: '1',
  },
});
let browser: Browser;
let folder: string;

beforeAll(async () => {
  if (remoteTarget) return;
  ({ browser } = await launchBrowser());
  folder = await mkdtemp(join(tmpdir(), 'partwise-browser-'));
}, 120_000);
afterAll(async () => {
  await browser?.close();
});

/** A page of the app whose every progressbar value is recorded as it changes. */
async function openApp(query = ''): Promise<Page> {
  const page = await browser.newPage();
  await page.setViewport({ width: 1200, height: 900 });
  // In the page (a script: these tests compile without the DOM's types).
  await page.evaluateOnNewDocument(`
    window.progressSeen = [];
    new MutationObserver(() => {
      const bar = document.querySelector('[role="progressbar"]');
      const value = Number(bar?.getAttribute('aria-valuenow'));
      if (bar && window.progressSeen.at(-1) !== value) window.progressSeen.push(value);
    }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['aria-valuenow'] });
  `);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  await page.goto(`${context.target.url}/${query}`);
  await page.waitForSelector('::-p-aria(Extract)');
  expect(errors).toEqual([]);
  return page;
}

/** The file input whose accessible name is `name` (puppeteer's ARIA selector does not find file inputs). */
async function fileInput(page: Page, name: string) {
  const input = await page.waitForSelector('input[type="file"]');
  if (!input) throw new Error('no file input');
  expect((await page.accessibility.snapshot({ root: input }))?.name).toBe(name);
  return input;
}

/** Waits until the page's status (role=status) reads `pattern`. */
const waitForStatus = (page: Page, pattern: RegExp, timeout = 60_000) =>
  page.waitForFunction(`${pattern}.test(document.querySelector('[role="status"]')?.textContent ?? '')`, {
    timeout,
  });

const statusOf = (page: Page) => page.$eval('[role="status"]', (el) => el.textContent ?? '');

describe.runIf(!remoteTarget)('the page', () => {
  it('uploads a CSV, extracts it with live progress, and shows its first rows exactly', async () => {
    const csv = generateCsv(4000, 41);
    const file = join(folder, 'people.csv');
    await writeFile(file, csv.text);
    const page = await openApp();

    await (await fileInput(page, 'File')).uploadFile(file);
    await waitForStatus(page, /uploaded/);
    const started = Date.now();
    await page.locator('::-p-aria(Extract)').click();
    await waitForStatus(page, /completed|failed/);
    const tookMs = Date.now() - started;
    await page.waitForSelector('table tbody tr');
    await screenshot(page, 'extract-completed');

    const seen = (await page.evaluate('window.progressSeen')) as number[];
    const header = await page.$$eval('table thead th', (cells) => cells.map((c) => c.textContent));
    const rows = await page.$$eval('table tbody tr', (trs) =>
      trs.slice(0, 10).map((tr) => [...tr.querySelectorAll('td .value')].map((td) => td.textContent)),
    );

    expect(await statusOf(page)).toMatch(/^extract completed/);
    expect(seen.at(-1)).toBe(100);
    expect(
      seen.some((value) => value > 0 && value < 100),
      `progress seen: ${seen.join(', ')}`,
    ).toBe(true);
    expect(header).toEqual(csv.header);
    expect(rows).toEqual(csv.rows.slice(0, 10));
    console.log(
      `browser: extract of 4,000 rows, click to completed in ${tookMs} ms; progress ${seen.join(' → ')}`,
    );
  }, 120_000);

  it('says why a job failed', async () => {
    const png = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      Buffer.alloc(64),
    ]);
    const file = join(folder, 'photo.csv');
    await writeFile(file, png);
    const page = await openApp();

    await (await fileInput(page, 'File')).uploadFile(file);
    await waitForStatus(page, /uploaded/);
    await page.locator('::-p-aria(Extract)').click();
    await waitForStatus(page, /completed|failed/);
    await screenshot(page, 'extract-failed');

    expect(await statusOf(page)).toMatch(/^extract failed: .*PNG/);
    expect(await page.$('table')).toBeNull();
  }, 60_000);

  it("runs an export through a sheet's action button and downloads the file", async () => {
    // Prepare: a sheet that declares an action, filled by an extract through the API.
    const created = await context.client.api.POST('/workbooks', {
      body: {
        name: 'orders',
        sheets: [
          {
            name: 'orders',
            fields: [
              { key: 'id', type: 'string' },
              { key: 'item', type: 'string' },
              { key: 'amount', type: 'number' },
            ],
            actions: [{ operation: 'orders:send-to-accounting', label: 'Send to accounting', primary: true }],
          },
        ],
      },
    });
    const sheet = sheetOf(bodyOf(created, 201).data);
    const upload = await context.client.uploadFile(
      'orders.csv',
      'id,item,amount\n1,"12"" pizza",9.5\n2,naïve café,12\n',
    );
    const extract = await context.client.runJob({
      type: 'file',
      operation: 'extract',
      source: upload.id,
      destination: sheet.id,
    });
    expect(extract.status).toBe('COMPLETED');
    // The outside service that carries the action out, as a team writes it: it exports the
    // sheet with partwise and completes the action's job with a link to the file.
    const executor = carryOutAction(sheet.id, 'orders:send-to-accounting');
    executor.catch(() => {}); // awaited below; a failure meanwhile is reported there
    const downloads = await mkdtemp(join(folder, 'downloads-'));
    const page = await openApp(`?sheet=${sheet.id}`);
    const cdp = await page.createCDPSession();
    await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: downloads });

    // Act
    await page.locator('::-p-aria(Send to accounting)').click();
    await waitForStatus(page, /orders:send-to-accounting completed/);
    await page.locator('button.download').click();
    const saved = await waitFor(
      'the download',
      async () => readdir(downloads),
      (names) => names.some((name) => name.endsWith('.csv')),
    );
    await screenshot(page, 'action-export-downloaded');

    // Assess: the action's job ran outside and linked the export, which the page downloaded as written.
    const actionJob = await executor;
    expect(actionJob).toMatchObject({ status: 'COMPLETED', operation: 'orders:send-to-accounting' });
    expect(await statusOf(page)).toContain('Sent 2 orders');
    const name = saved.find((n) => n.endsWith('.csv')) ?? '';
    expect(await readFile(join(downloads, name), 'utf8')).toBe(
      'id,item,amount\r\n1,"12"" pizza",9.5\r\n2,naïve café,12\r\n',
    );
  }, 120_000);
});

/**
 * An outside executor of `operation` on `sheetId`: waits for the action's job to start,
 * exports the sheet with partwise (its API key), and completes the job with a download link.
 */
async function carryOutAction(sheetId: string, operation: string) {
  const { client } = context;
  const started = await waitFor(
    `a ${operation} job executing`,
    async () =>
      bodyOf(await client.api.GET('/jobs', { params: { query: { operation, limit: 1 } } }), 200).data,
    (jobs) => jobs[0]?.status === 'EXECUTING',
    { timeoutMs: 60_000, intervalMs: 200 },
  );
  const job = started[0] as (typeof started)[number];
  const exported = await client.runJob({
    type: 'sheet',
    operation: 'export',
    source: sheetId,
    config: { format: 'csv' },
  });
  const fileId = destinationOf(exported);
  const completed = await client.api.POST('/jobs/{id}/complete', {
    params: { path: { id: job.id } },
    body: { outcome: { message: 'Sent 2 orders', next: { type: 'download', fileId, label: 'orders.csv' } } },
  });
  expect(completed.response.status).toBe(200);
  return client.getJob(job.id);
}
