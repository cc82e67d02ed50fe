import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateJobEvent } from '../../shared/events/schemas.js';

const ROOT = join(import.meta.dirname, '..', '..');
const PAGES = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** Every JSON block of the docs that shows an EventBridge event of a job. */
function sampleEvents(): Array<{ page: string; event: { 'detail-type': string; detail: unknown } }> {
  const samples = [];
  for (const page of PAGES) {
    const text = readFileSync(join(ROOT, page), 'utf8');
    for (const [, block = ''] of text.matchAll(/```json\n([\s\S]*?)```/g)) {
      if (!block.includes('"detail-type": "job:')) continue;
      samples.push({ page, event: JSON.parse(block) });
    }
  }
  return samples;
}

describe('the sample events in the docs', () => {
  const samples = sampleEvents();

  it('are there to check (docs/deploy.md shows one)', () => {
    expect(samples.map((s) => s.page)).toContain('docs/deploy.md');
  });

  it.each(samples.map((s) => [s.page, s.event]))(
    '%s: the detail is a valid event of its detail-type',
    (_, event) => {
      expect(validateJobEvent(event.detail)).toMatchObject({ valid: true });
      expect(event.detail).toMatchObject({ topic: event['detail-type'] });
    },
  );
});
