import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { emfMetrics } from '../../../shared/adapters/cloudwatch/emf-metrics.js';
import { METRIC, OPERATION_DIMENSION } from '../../../shared/metrics.js';

/** The EMF lines Powertools writes on stdout, parsed. */
function captureStdout() {
  const lines: Record<string, unknown>[] = [];
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    for (const line of String(chunk).split('\n')) if (line.startsWith('{')) lines.push(JSON.parse(line));
    return true;
  });
  return { lines, restore: () => write.mockRestore() };
}

/** The names an EMF line declares as metrics. */
function metricNamesOf(line: Record<string, unknown>): string[] {
  const { _aws } = line as { _aws: { CloudWatchMetrics: { Metrics: { Name: string }[] }[] } };
  return _aws.CloudWatchMetrics.flatMap((directive) => directive.Metrics.map((metric) => metric.Name));
}

describe('EMF metrics', () => {
  let stdout: ReturnType<typeof captureStdout>;
  beforeEach(() => {
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    stdout = captureStdout();
  });
  afterEach(() => {
    stdout.restore();
    vi.unstubAllEnvs();
  });

  it('writes a part run at once, in total and by operation, with its units', () => {
    const metrics = emfMetrics({ namespace: 'partwise-test', serviceName: 'partwise' });
    metrics.partRun('extract', { durationMs: 1200, rows: 500, bytes: 65536 });

    expect(stdout.lines).toHaveLength(1);
    const [line] = stdout.lines;
    expect(line).toMatchObject({
      service: 'partwise',
      [OPERATION_DIMENSION]: 'extract',
      [METRIC.partsRun]: 1,
      [METRIC.partDuration]: 1200,
      [METRIC.rowsProcessed]: 500,
      [METRIC.bytesProcessed]: 65536,
    });
    const [directive] = (line as { _aws: { CloudWatchMetrics: unknown[] } })._aws.CloudWatchMetrics;
    expect(directive).toEqual({
      Namespace: 'partwise-test',
      Dimensions: [['service'], ['service', OPERATION_DIMENSION]],
      Metrics: expect.arrayContaining([
        { Name: METRIC.partsRun, Unit: 'Count' },
        { Name: METRIC.partDuration, Unit: 'Milliseconds' },
        { Name: METRIC.rowsProcessed, Unit: 'Count' },
        { Name: METRIC.bytesProcessed, Unit: 'Bytes' },
      ]),
    });
  });

  it('counts jobs created, completed and failed by operation', () => {
    const metrics = emfMetrics({ namespace: 'partwise-test', serviceName: 'partwise' });
    metrics.jobCreated('map');
    metrics.jobEnded('map', 'COMPLETED');
    metrics.jobEnded('export', 'FAILED');
    metrics.partFailed('delete');

    expect(stdout.lines.map((line) => [line[OPERATION_DIMENSION], metricNamesOf(line)[0]])).toEqual([
      ['map', METRIC.jobsCreated],
      ['map', METRIC.jobsCompleted],
      ['export', METRIC.jobsFailed],
      ['delete', METRIC.partsFailed],
    ]);
    expect(stdout.lines.map((line) => line[metricNamesOf(line)[0] ?? ''])).toEqual([1, 1, 1, 1]);
  });

  it('keeps timings until the flush, then writes them in one line, and nothing for an empty flush', () => {
    const metrics = emfMetrics({ namespace: 'partwise-test', serviceName: 'partwise' });
    metrics.eventRelayed(40);
    metrics.eventRelayed(-5); // a clock a little behind the committer's: no lag, not a negative one
    metrics.partsMessageReceived(1500);
    expect(stdout.lines).toEqual([]);

    metrics.flush();
    metrics.flush();

    expect(stdout.lines).toHaveLength(1);
    expect(stdout.lines[0]).toMatchObject({ [METRIC.relayLag]: [40, 0], [METRIC.partsQueueAge]: 1500 });
    expect(stdout.lines[0]).not.toHaveProperty(OPERATION_DIMENSION);
  });

  it('writes nothing when disabled (the local stack)', () => {
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
    const metrics = emfMetrics({ namespace: 'partwise-test', serviceName: 'partwise' });
    metrics.jobCreated('extract');
    metrics.eventRelayed(10);
    metrics.flush();
    expect(stdout.lines).toEqual([]);
  });
});

describe("the process's metrics", () => {
  afterEach(() => vi.unstubAllEnvs());

  it('are made on first use, so the environment set after the adapters were imported decides whether they write', async () => {
    // Prepare: imported while metrics are on, as a bench imports the adapters before the local stack starts.
    vi.resetModules();
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    const { processMetrics } = await import('../../../shared/adapters/cloudwatch/emf-metrics.js');
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true'); // what the local stack sets for its handlers
    const stdout = captureStdout();

    // Act
    processMetrics().jobCreated('extract');
    processMetrics().eventRelayed(12);
    processMetrics().flush();
    stdout.restore();

    // Assess
    expect(stdout.lines).toEqual([]);
  });
});
