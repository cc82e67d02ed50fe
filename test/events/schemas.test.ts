import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JOB_EVENT_VERSION, JOB_TOPICS } from '../../shared/domain/events.js';
import { MODES, RESOURCE_TYPES, TRIGGERS } from '../../shared/domain/job.js';
import { JOB_STATUSES } from '../../shared/domain/status.js';
import { JOB_EVENT_SCHEMAS, validateJobEvent } from '../../shared/events/schemas.js';
import { sampleEvent } from './fixtures.js';

const SCHEMA_DIR = join(import.meta.dirname, '..', '..', 'shared', 'events', 'schemas');

describe('the published event schemas', () => {
  it('has one draft 2020-12 file per detail-type, named after it, with a unique $id', async () => {
    const files = (await readdir(SCHEMA_DIR)).sort();
    const topicFiles = JOB_TOPICS.map((topic) => `${topic.replace(':', '-')}.schema.json`);
    expect(files).toEqual([...topicFiles, 'job-event.schema.json', 'job-snapshot.schema.json'].sort());
    const ids = new Set<string>();
    for (const file of files) {
      const schema = JSON.parse(await readFile(join(SCHEMA_DIR, file), 'utf8'));
      expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
      expect(schema.$id).toBe(`https://partwise.dev/schemas/events/${file}`);
      ids.add(schema.$id);
    }
    expect(ids.size).toBe(files.length);
    for (const topic of JOB_TOPICS) expect(JOB_EVENT_SCHEMAS[topic].title).toBe(topic);
  });

  it('lists exactly the statuses, topics, types, triggers and modes the domain defines', async () => {
    const snapshot = JSON.parse(await readFile(join(SCHEMA_DIR, 'job-snapshot.schema.json'), 'utf8'));
    const event = JSON.parse(await readFile(join(SCHEMA_DIR, 'job-event.schema.json'), 'utf8'));
    expect(snapshot.$defs.status.enum).toEqual([...JOB_STATUSES]);
    expect(snapshot.properties.type.enum).toEqual([...RESOURCE_TYPES]);
    expect(snapshot.properties.trigger.enum).toEqual([...TRIGGERS]);
    expect(snapshot.properties.mode.enum).toEqual([...MODES]);
    expect(event.properties.topic.enum).toEqual([...JOB_TOPICS]);
  });

  it.each(JOB_TOPICS)('accepts a %s event as the service builds it', (topic) => {
    expect(validateJobEvent(sampleEvent(topic))).toMatchObject({ valid: true });
  });

  it('requires the version the domain builds events with, and refuses another', async () => {
    const event = JSON.parse(await readFile(join(SCHEMA_DIR, 'job-event.schema.json'), 'utf8'));
    expect(event.required).toContain('version');
    expect(event.properties.version.const).toBe(JOB_EVENT_VERSION);
    expect(sampleEvent('job:waiting').version).toBe(JOB_EVENT_VERSION);

    const { version: _, ...unversioned } = sampleEvent('job:waiting');
    expect(validateJobEvent(unversioned)).toMatchObject({ valid: false });
    const later = validateJobEvent({ ...sampleEvent('job:waiting'), version: 2 });
    expect(later.valid).toBe(false);
    if (later.valid) return;
    expect(later.violations.map((v) => v.pointer)).toContain('/version');
  });

  it('refuses job:completed with any status but COMPLETED', () => {
    const result = validateJobEvent(sampleEvent('job:completed', { status: 'FAILED' }));
    expect(result.valid).toBe(false);
    if (result.valid) return;
    expect(result.violations).toContainEqual({
      pointer: '/status',
      message: 'must be equal to constant: "COMPLETED"',
      keyword: 'const',
    });
    expect(result.violations.map((v) => v.pointer)).toContain('/job/status');
  });

  it('refuses job:failed without an error that says why', () => {
    const event = sampleEvent('job:failed');
    delete event.job.error;
    const result = validateJobEvent(event);
    expect(result).toMatchObject({
      valid: false,
      topic: 'job:failed',
      violations: [{ pointer: '/job/error', keyword: 'required' }],
    });
  });

  it('refuses a started job without startedAt, and a deleted one that is still executing', () => {
    const started = sampleEvent('job:started');
    delete started.job.startedAt;
    expect(validateJobEvent(started)).toMatchObject({
      valid: false,
      violations: [{ pointer: '/job/startedAt' }],
    });
    const deleted = sampleEvent('job:deleted', { status: 'EXECUTING' });
    expect(validateJobEvent(deleted).valid).toBe(false);
  });

  it('checks formats and shapes: a date-time, an event id, progress within 0–100', () => {
    const event = { ...sampleEvent('job:updated'), createdAt: 'yesterday', id: 'e1', progress: 140 };
    const result = validateJobEvent(event);
    expect(result.valid).toBe(false);
    if (result.valid) return;
    expect(result.violations.map((v) => `${v.pointer} ${v.keyword}`).sort()).toEqual([
      '/createdAt format',
      '/id pattern',
      '/progress maximum',
    ]);
  });

  it('validates against the topic it is asked for, and names unknown topics', () => {
    expect(validateJobEvent(sampleEvent('job:started'), 'job:completed').valid).toBe(false);
    const unknown = validateJobEvent({ ...sampleEvent('job:started'), topic: 'job:exploded' });
    expect(unknown).toMatchObject({ valid: false, violations: [{ pointer: '/topic', keyword: 'enum' }] });
    expect(validateJobEvent(null).valid).toBe(false);
  });

  it('lets new fields through, so consumers survive additions to the contract', () => {
    const event = { ...sampleEvent('job:waiting'), addedLater: true };
    expect(validateJobEvent(event).valid).toBe(true);
  });
});
