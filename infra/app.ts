/**
 * Deploys partwise on its own: `npx cdk deploy` (cdk.json runs this file).
 * The cdk-nag AwsSolutions checks run on every synth; a finding that is neither fixed nor
 * acknowledged with a reason (infra/nag.ts) stops the synth.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { PartwiseStack, stackNameFromContext } from './stack.js';

const app = new App();
new PartwiseStack(app, stackNameFromContext(app.node));
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
