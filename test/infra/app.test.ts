import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
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
    // With the page: its build (local esbuild) and its cdk-nag acknowledgements are part of the synth.
    ['synth', '--quiet', '--output', outdir, '--context', 'partwise:webApp=true'],
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
    // The ten of functions/, and CDK's handler that copies the page into its bucket.
    template.resourceCountIs('AWS::Lambda::Function', 11);
    // The job table and the push sockets' connections.
    template.resourceCountIs('AWS::DynamoDB::Table', 2);
    // The HTTP API and the push socket's WebSocket API.
    template.resourceCountIs('AWS::ApiGatewayV2::Api', 2);
    // The page, asked for with -c partwise:webApp=true.
    template.resourceCountIs('AWS::CloudFront::Distribution', 1);
    const outputs = [
      'ApiUrl',
      'TableName',
      'BucketName',
      'EventBusArn',
      'EventDeadLetterQueueUrl',
      'PushUrl',
      'SiteUrl',
    ];
    for (const output of outputs) {
      expect(Object.keys(template.findOutputs(output))).toEqual([output]);
    }
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      Tags: [{ Key: 'service', Value: 'partwise' }],
    });
  });

  it('stages the page built at synth time beside the assets it deploys', async () => {
    const template = JSON.parse(await readFile(path.join(outdir, 'Partwise.template.json'), 'utf8'));
    const deployment = Object.values<{ Type: string; Properties: { SourceObjectKeys: string[] } }>(
      template.Resources,
    ).find((r) => r.Type === 'Custom::CDKBucketDeployment');
    const page = deployment?.Properties.SourceObjectKeys[0]?.replace(/\.zip$/, '');
    const files = await readdir(path.join(outdir, `asset.${page}`));
    expect(files.sort()).toEqual(['app.css', 'app.js', 'index.html']);
  });
});
