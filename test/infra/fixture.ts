/**
 * One synthesized JobsService per test file: build it in `beforeAll` and share the template
 * across the file's tests.
 *
 * Two costs are left out unless a test needs them: bundling the six functions (only the
 * bundle tests look at the code) and CDK's built-in CloudFormation validation (a WASM
 * linter, ~2 s a synth; the synth of infra/app.ts in app.test.ts runs it).
 */
import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { JobsService, type JobsServiceProps } from '../../infra/jobs-service.js';

export interface SynthesizedService {
  app: App;
  stack: Stack;
  service: JobsService;
  template: Template;
  /** The logical id CloudFormation gives a construct's default resource. */
  logicalId(construct: IConstruct): string;
}

/** Bundling and synthesis of a whole stack: give `beforeAll` this much time on a slow machine. */
export const SYNTH_TIMEOUT_MS = 120_000;

export interface SynthesisOptions {
  /** Bundle the functions with esbuild. @default false */
  bundle?: boolean;
  /** Context besides the bundling switch, such as cdk.json's feature flags. @default none */
  context?: Record<string, unknown>;
}

/** An app for tests: no CloudFormation linting, and no bundling unless asked. */
export function testApp(options: SynthesisOptions = {}): App {
  return new App({
    builtinCloudFormationValidation: false,
    context: { ...options.context, ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }) },
  });
}

/** `props`, or a function that makes them in the test stack (for imported resources, say). */
export function synthesizeJobsService(
  props?: JobsServiceProps | ((stack: Stack) => JobsServiceProps),
  options?: SynthesisOptions,
): SynthesizedService {
  const app = testApp(options);
  const stack = new Stack(app, 'Test');
  const service = new JobsService(stack, 'Jobs', typeof props === 'function' ? props(stack) : props);
  const template = Template.fromStack(stack);
  const logicalId = (construct: IConstruct) => {
    const element = (construct.node.defaultChild ?? construct) as CfnElement;
    return stack.resolve(element.logicalId) as string;
  };
  return { app, stack, service, template, logicalId };
}

/** `{ "Fn::GetAtt": [id, attribute] }`, the way the template refers to an attribute. */
export function getAtt(logicalId: string, attribute = 'Arn') {
  return { 'Fn::GetAtt': [logicalId, attribute] };
}
