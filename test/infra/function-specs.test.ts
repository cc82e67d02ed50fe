import { Duration } from 'aws-cdk-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { FUNCTION_KEYS, FUNCTION_SPECS, type FunctionKey } from '../../infra/function-specs.js';
import { JOBS_SERVICE_DEFAULTS } from '../../infra/props.js';
import { SYNTH_TIMEOUT_MS, type SynthesizedService, synthesizeJobsService } from './fixture.js';

let synth: SynthesizedService;

beforeAll(() => {
  synth = synthesizeJobsService();
}, SYNTH_TIMEOUT_MS);

function resourceOf(key: FunctionKey) {
  const fn = synth.service.functions[key];
  const id = synth.logicalId(fn);
  return { id, properties: synth.template.toJSON().Resources[id].Properties };
}

describe('the function specs (infra/function-specs.ts)', () => {
  it('are the functions the construct synthesizes: description, memory and timeout of each', () => {
    synth.template.resourceCountIs('AWS::Lambda::Function', FUNCTION_KEYS.length);
    for (const key of FUNCTION_KEYS) {
      const spec = FUNCTION_SPECS[key];
      const { properties } = resourceOf(key);
      expect(
        {
          Description: properties.Description,
          MemorySize: properties.MemorySize,
          Timeout: properties.Timeout,
        },
        key,
      ).toEqual({ Description: spec.description, MemorySize: spec.memorySize, Timeout: spec.timeoutSeconds });
    }
  });

  it("give each event source mapping its batch size, and the processor's is the prop's default", () => {
    const mappings = Object.values(synth.template.findResources('AWS::Lambda::EventSourceMapping'));
    const batchOf = (key: FunctionKey) => {
      const { id } = resourceOf(key);
      const found = mappings.filter((m) => m.Properties.FunctionName.Ref === id);
      expect(found, key).toHaveLength(1);
      return found[0]?.Properties;
    };
    expect(batchOf('processor')).toMatchObject({ BatchSize: FUNCTION_SPECS.processor.batchSize });
    expect(batchOf('deadLetter')).toMatchObject({
      BatchSize: FUNCTION_SPECS.deadLetter.batchSize,
      ScalingConfig: { MaximumConcurrency: FUNCTION_SPECS.deadLetter.maxConcurrency },
    });
    expect(batchOf('relay')).toMatchObject({ BatchSize: FUNCTION_SPECS.relay.batchSize });
    expect(mappings).toHaveLength(3);
  });

  it("hold the processor props' defaults, so a stack that sets none gets the spec", () => {
    expect(JOBS_SERVICE_DEFAULTS.processorBatchSize).toBe(FUNCTION_SPECS.processor.batchSize);
    expect(JOBS_SERVICE_DEFAULTS.processorMemorySize).toBe(FUNCTION_SPECS.processor.memorySize);
    expect(JOBS_SERVICE_DEFAULTS.processorTimeout.toSeconds()).toBe(FUNCTION_SPECS.processor.timeoutSeconds);
  });

  it('give way to the processor props where a stack sets them', () => {
    const sized = synthesizeJobsService({
      processorMemorySize: 3008,
      processorTimeout: Duration.minutes(10),
      processorBatchSize: 4,
    });
    const id = sized.logicalId(sized.service.processorFunction);
    sized.template.hasResourceProperties('AWS::Lambda::Function', {
      Description: FUNCTION_SPECS.processor.description,
      MemorySize: 3008,
      Timeout: 600,
    });
    sized.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: id },
      BatchSize: 4,
    });
  });
});
