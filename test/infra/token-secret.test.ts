import { Match } from 'aws-cdk-lib/assertions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import type { JobsService } from '../../infra/jobs-service.js';
import { ENV } from '../../shared/config.js';
import { SYNTH_TIMEOUT_MS, type SynthesizedService, synthesizeJobsService } from './fixture.js';

let synth: SynthesizedService;

beforeAll(() => {
  synth = synthesizeJobsService();
}, SYNTH_TIMEOUT_MS);

type Pick = (s: JobsService) => IFunction;

function functionProperties(pick: Pick) {
  return synth.template.toJSON().Resources[synth.logicalId(pick(synth.service))].Properties;
}

describe('the token secret', () => {
  it('is a generated Secrets Manager secret of 64 letters and digits', () => {
    // The other secret is the key secret (test/infra/api-keys.test.ts).
    synth.template.resourceCountIs('AWS::SecretsManager::Secret', 2);
    synth.template.hasResourceProperties('AWS::SecretsManager::Secret', {
      Description: Match.stringLikeRegexp('browser tokens'),
      GenerateSecretString: { PasswordLength: 64, ExcludePunctuation: true, IncludeSpace: false },
    });
  });

  it('goes with the stack even when the data is retained: it guards tokens of an hour, no data', () => {
    expect(synth.service.settings.removalPolicy).toBe('retain');
    synth.template.hasResource('AWS::SecretsManager::Secret', {
      Properties: Match.objectLike({ Description: Match.stringLikeRegexp('browser tokens') }),
      DeletionPolicy: 'Delete',
      UpdateReplacePolicy: 'Delete',
    });
  });

  it('is named to the api and the two authorizer functions, which read it through the secrets extension', () => {
    const readers: Pick[] = [
      (s) => s.apiFunction,
      (s) => s.authorizerFunction,
      (s) => s.pushAuthorizerFunction,
    ];
    for (const pick of readers) {
      const properties = functionProperties(pick);
      expect(properties.Environment.Variables[ENV.tokenSecretId]).toEqual({
        Ref: synth.logicalId(synth.service.tokenSecret),
      });
      // The port shared/config.ts reads, and the layer of the extension for arm64.
      expect(properties.Environment.Variables[ENV.secretsExtensionPort]).toBe('2773');
      expect(JSON.stringify(properties.Layers)).toMatch(/ParamsandsecretslayerMap[\s\S]*arm64/);
    }
  });

  it('is neither named to nor readable through a layer by the other functions', () => {
    const others: Pick[] = [
      (s) => s.processorFunction,
      (s) => s.relayFunction,
      (s) => s.deadLetterFunction,
      (s) => s.sweeperFunction,
      (s) => s.pushConnectionsFunction,
      (s) => s.pushFanOutFunction,
    ];
    for (const pick of others) {
      const properties = functionProperties(pick);
      expect(properties.Environment.Variables[ENV.tokenSecretId]).toBeUndefined();
      expect(properties.Layers).toBeUndefined();
    }
  });

  it('acknowledges its lack of a rotation schedule with the reason, on the secret itself', () => {
    const acknowledged = synth.service.nagAcknowledgements.filter(
      (a) => a.id === 'AwsSolutions-SMG4' && a.scope === synth.service.tokenSecret,
    );
    expect(acknowledged.map((a) => a.scope)).toEqual([synth.service.tokenSecret]);
    expect(acknowledged[0]?.reason).toMatch(/rotation[\s\S]*docs\/auth\.md/);
  });
});
