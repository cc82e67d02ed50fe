import { describe, expect, it } from 'vitest';
import {
  environmentFolder,
  environmentPrefixes,
  LEGACY_OBJECT_KEYS,
  type ObjectKeys,
  objectKeysOf,
  TEMPORARY_PREFIX,
} from '../../../shared/domain/object-keys.js';

/** Every key and prefix of a layout, for one job, file and sheet. */
const everyKey = (keys: ObjectKeys) => ({
  upload: keys.upload('file_a'),
  plans: keys.plans('job_a'),
  planScans: keys.planScans('job_a'),
  ledgerNotes: keys.ledgerNotes('job_a'),
  reportFragments: keys.reportFragments('job_a'),
  report: keys.report('file_r'),
  sheet: keys.sheet('sh_a'),
  export: keys.export('job_a', '.csv'),
  exportParts: keys.exportParts('job_a'),
});

describe('object keys', () => {
  it("puts every object of an environment under that environment's prefixes, and no other's", () => {
    const [root, temporary] = environmentPrefixes('env_a');
    expect([root, temporary]).toEqual(['env/env_a/', 'tmp/env/env_a/']);
    for (const key of Object.values(everyKey(objectKeysOf('env_a')))) {
      expect(key.startsWith(root) || key.startsWith(temporary)).toBe(true);
      const [otherRoot, otherTemporary] = environmentPrefixes('env_a2');
      expect(key.startsWith(otherRoot) || key.startsWith(otherTemporary)).toBe(false);
    }
  });

  it('puts temporary objects (export parts) under tmp/, which the lifecycle rule expires', () => {
    const keys = everyKey(objectKeysOf('env_a'));
    expect(keys.exportParts.startsWith(TEMPORARY_PREFIX)).toBe(true);
    const lasting = Object.entries(keys).filter(([name]) => name !== 'exportParts');
    for (const [, key] of lasting) expect(key.startsWith(TEMPORARY_PREFIX)).toBe(false);
  });

  it('names a plain environment id as it is, and any other by its hash, so no id escapes its folder', () => {
    expect(environmentFolder('env_01jd3x')).toBe('env_01jd3x');
    expect(environmentFolder('Acme-prod.eu')).toBe('Acme-prod.eu');
    for (const id of ['a/b', '../env_b', '*', '.', 'x'.repeat(129), 'été', 'a b']) {
      expect(environmentFolder(id)).toMatch(/^~[0-9a-f]{64}$/);
    }
    expect(environmentFolder('a/b')).not.toBe(environmentFolder('a_b'));
    // The longest id still leaves the key far below S3's 1,024 bytes.
    expect(objectKeysOf('é'.repeat(256)).report(`file_${'0'.repeat(26)}`).length).toBeLessThan(200);
  });

  it('keeps the keys objects had before they had a root, to find them', () => {
    expect(everyKey(LEGACY_OBJECT_KEYS)).toEqual({
      upload: 'uploads/file_a',
      plans: 'plans/job_a/',
      planScans: 'plans/job_a/scans/',
      ledgerNotes: 'plans/job_a/ledgers/',
      reportFragments: 'plans/job_a/reports/',
      report: 'reports/file_r.csv',
      sheet: 'sheets/sh_a/',
      export: 'exports/job_a.csv',
      exportParts: 'tmp/exports/job_a/',
    });
  });
});
