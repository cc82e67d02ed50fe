/**
 * A headless Chromium for the browser tests, driven by puppeteer-core. Nothing is downloaded
 * at run time; the browser is, in order: the one PARTWISE_CHROMIUM names, one installed on the
 * machine (Debian's `chromium`, Chrome), or the one the `@sparticuz/chromium` package ships
 * (unpacked into the temp dir on first use).
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

const INSTALLED = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
];

export async function launchBrowser(): Promise<{ browser: Browser; from: string }> {
  const named = process.env.PARTWISE_CHROMIUM;
  if (named && !existsSync(named)) throw new Error(`PARTWISE_CHROMIUM names ${named}, which does not exist`);
  const installed = named ?? INSTALLED.find((path) => existsSync(path));
  if (installed) {
    const browser = await puppeteer.launch({
      executablePath: installed,
      headless: true,
      // Root in a container has no sandbox to drop into.
      args: ['--no-sandbox', '--disable-dev-shm-usage'],
    });
    return { browser, from: installed };
  }
  const { default: chromium } = await import('@sparticuz/chromium');
  const executablePath = await chromium.executablePath();
  const browser = await puppeteer.launch({ executablePath, headless: true, args: chromium.args });
  return { browser, from: `@sparticuz/chromium (${executablePath})` };
}

/** Where tests leave screenshots (git-ignored): test-artifacts/<name>.png. */
export async function screenshot(
  page: Page,
  name: string,
  options: { fullPage?: boolean } = {},
): Promise<string> {
  const dir = join(import.meta.dirname, '..', '..', 'test-artifacts');
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  await page.screenshot({ path: path as `${string}.png`, fullPage: options.fullPage ?? true });
  return path;
}
