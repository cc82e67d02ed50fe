import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../infra/bundling.js';
import { SYNTH_TIMEOUT_MS } from './fixture.js';

const run = promisify(execFile);
let outdir: string;
let synth: { stdout: string; stderr: string };

beforeAll(async () => {
  outdir = await mkdtemp(path.join(tmpdir(), 'partwise-synth-'));
  synth = await run(
    path.join(PROJECT_ROOT, 'node_modules/.bin/cdk'),
    ['synth', '--quiet', '--output', outdir],
    {
      cwd: PROJECT_ROOT,
      env: {
        ...process.env,
        // Offline: any request the CLI or the app tried would fail on this dead proxy.
        HTTPS_PROXY: 'http://127.0.0.1:9',
        HTTP_PROXY: 'http://127.0.0.1:9',
        NO_PROXY: '',
        CDK_DISABLE_VERSION_CHECK: '1',
      },
      timeout: SYNTH_TIMEOUT_MS,
    },
  );
}, SYNTH_TIMEOUT_MS);

afterAll(async () => {
  if (outdir) await rm(outdir, { recursive: true, force: true });
});

describe('infra/app.ts', () => {
  it('synthesizes with the cdk CLI, offline, cdk-nag checks included', async () => {
    expect(synth.stderr).not.toMatch(/error/i);
    const manifest = JSON.parse(await readFile(path.join(outdir, 'manifest.json'), 'utf8'));
    expect(Object.keys(manifest.artifacts)).toContain('Partwise');
  });

  it('deploys one JobsService in its own stack, with the outputs a caller needs', async () => {
    const template = Template.fromJSON(
      JSON.parse(await readFile(path.join(outdir, 'Partwise.template.json'), 'utf8')),
    );
    template.resourceCountIs('AWS::Lambda::Function', 6);
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    for (const output of ['ApiUrl', 'TableName', 'BucketName', 'EventBusArn', 'EventDeadLetterQueueUrl']) {
      expect(Object.keys(template.findOutputs(output))).toEqual([output]);
    }
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      Tags: [{ Key: 'service', Value: 'partwise' }],
    });
  });
});
