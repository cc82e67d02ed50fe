import { describe, expect, it } from 'vitest';
import { ContentChangedError, isPermanent } from '../../../shared/domain/errors.js';
import { extract } from '../../../shared/operations/extract.js';
import { bufferedWorkbook } from '../formats/xlsx-fixtures.js';
import { memoryServices, newJob, storeFile } from './memory-services.js';

/** Plans an extract of `first`, then stores `second` in its place, as a file replaced before its job ran. */
async function plannedThenReplaced(name: string, first: Uint8Array | string, second: Uint8Array | string) {
  const job = newJob({ operation: 'extract', type: 'file', source: 'file_a' });
  const env = memoryServices(job);
  const file = storeFile(env, name, first);
  job.config = await extract.validate(
    { environmentId: 'env_test', type: 'file', source: file.id, config: { partSizeBytes: 1024 } },
    env.services,
  );
  const plan = await extract.plan(job, env.services);
  job.parts = plan.parts;
  const messages = await extract.partMessages(job, plan.state, 0, plan.parts, env.services);
  env.blobs.objects.set(file.key, Buffer.from(second));
  return { env, job, plan, messages };
}

const csv = (rows: number, value: string) =>
  `name,value\n${Array.from({ length: rows }, (_, i) => `row ${i},${value}`).join('\n')}\n`;

describe('an extract reads the content it planned on', () => {
  it('fails every part of a CSV whose content changed after planning, for good', async () => {
    const { env, job, plan, messages } = await plannedThenReplaced('a.csv', csv(200, 'one'), csv(200, 'two'));
    expect(messages.length).toBeGreaterThan(1);
    for (const message of messages) {
      const run = extract.runPart(job, plan.state, message, env.services);
      await expect(run).rejects.toThrow(
        new ContentChangedError('the file changed after the job was planned'),
      );
      await run.catch((error: unknown) => expect(isPermanent(error)).toBe(true));
    }
  });

  it('fails a worksheet part of an XLSX whose content changed after planning', async () => {
    const first = await bufferedWorkbook({ People: [['name'], ['Ada']] });
    const second = await bufferedWorkbook({ People: [['name'], ['Grace']] });
    const { env, job, plan, messages } = await plannedThenReplaced('a.xlsx', first, second);
    const [message] = messages;
    if (!message) throw new Error('no part');
    await expect(extract.runPart(job, plan.state, message, env.services)).rejects.toBeInstanceOf(
      ContentChangedError,
    );
  });

  it('runs as before when the content is the one planned on', async () => {
    const { env, job, plan, messages } = await plannedThenReplaced('a.csv', csv(5, 'same'), csv(5, 'same'));
    for (const message of messages)
      await expect(extract.runPart(job, plan.state, message, env.services)).resolves.toBeDefined();
  });
});
