/**
 * `npm run bench:page [rows]`: the page (web/) against a local stack, as a user would use it,
 * timed side by side with the CLI doing the same on the same stack and file (the baseline):
 * a CSV of `rows` rows (default 1,000,000, about 100 MB) uploaded and extracted, from the
 * click on Extract to the first progress the page shows and to `completed`. Prints a table;
 * leaves a screenshot in test-artifacts/page-<rows>.png.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { launchBrowser, screenshot } from '../test/helpers/browser.js';
import { removeDataDir, startLocalStack } from '../test/helpers/stack.js';
import { csvFile } from './data-files.js';

const rows = Number(process.argv[2] ?? 1_000_000);
const file = await csvFile(rows);
const stack = await startLocalStack();
const { browser, from } = await launchBrowser();

try {
  // The page.
  const page = await browser.newPage();
  await page.setViewport({ width: 1200, height: 800 });
  await page.evaluateOnNewDocument(`
    window.seen = [];
    new MutationObserver(() => {
      const value = Number(document.querySelector('[role="progressbar"]')?.getAttribute('aria-valuenow'));
      if (!Number.isNaN(value) && window.seen.at(-1)?.value !== value) window.seen.push({ value, at: performance.now() });
    }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['aria-valuenow'] });
  `);
  await page.goto(`${stack.url}/`);
  const input = await page.waitForSelector('input[type="file"]');
  const uploadStart = Date.now();
  await input?.uploadFile(file.path);
  await page.waitForFunction(`document.querySelector('[role="status"]')?.textContent?.includes('uploaded')`, {
    timeout: 600_000,
  });
  const uploadMs = Date.now() - uploadStart;
  const clickAt = (await page.evaluate('performance.now()')) as number;
  await page.locator('::-p-aria(Extract)').click();
  await page.waitForFunction(
    `/completed|failed/.test(document.querySelector('[role="status"]')?.textContent ?? '')`,
    {
      timeout: 600_000,
    },
  );
  const doneAt = (await page.evaluate('performance.now()')) as number;
  const seen = (await page.evaluate('window.seen')) as Array<{ value: number; at: number }>;
  const status = (await page.$eval('[role="status"]', (el) => el.textContent)) ?? '';
  const firstProgress = seen.find((s) => s.value > 0 && s.at >= clickAt);
  await page.waitForSelector('table tbody tr');
  await new Promise((resolve) => setTimeout(resolve, 500)); // the bar's last transition
  // What the window shows (docs/page.png is one of these).
  const shot = await screenshot(page, `page-${rows}`, { fullPage: false });

  // The baseline: the CLI, on the same stack and file.
  const cliStart = Date.now();
  const cli = await new Promise<{ code: number | null; stdout: string }>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        join(import.meta.dirname, '..', 'shared', 'cli', 'partwise.mjs'),
        '--json',
        'extract',
        file.path,
        '--wait',
      ],
      { env: { ...process.env, PARTWISE_URL: stack.url, PARTWISE_API_KEY: stack.apiKey } },
    );
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout }));
  });
  const cliMs = Date.now() - cliStart;
  const cliJob = JSON.parse(cli.stdout) as { status: string; createdAt: string; finishedAt?: string };
  const cliJobMs = cliJob.finishedAt
    ? Date.parse(cliJob.finishedAt) - Date.parse(cliJob.createdAt)
    : Number.NaN;
  const pageJobMs = doneAt - clickAt;

  const mb = (file.bytes / 1e6).toFixed(0);
  console.log(
    `\npage vs CLI: ${rows.toLocaleString('en-US')} rows, ${mb} MB CSV, local stack, browser ${from}`,
  );
  console.log(`page status: ${status}`);
  console.table([
    {
      measure: 'click on Extract → first progress shown (ms)',
      page: firstProgress ? Math.round(firstProgress.at - clickAt) : 'none',
    },
    {
      measure: 'click on Extract → completed shown (ms)',
      page: Math.round(pageJobMs),
      'CLI (job created → finished, ms)': cliJobMs,
      'page / CLI': (pageJobMs / cliJobMs).toFixed(2),
    },
    {
      measure: 'upload (ms)',
      page: uploadMs,
      'CLI (upload + extract + wait, ms)': cliMs,
    },
  ]);
  console.log(`progress the page showed: ${seen.map((s) => s.value).join(' → ')}`);
  console.log(`screenshot: ${shot}`);
  if (cli.code !== 0 || !/completed/.test(status)) process.exitCode = 1;
} finally {
  await browser.close();
  await stack.stop();
  await removeDataDir(stack.dataDir);
}
