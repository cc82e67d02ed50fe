import { DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { objectKeysOf } from '../../shared/domain/object-keys.js';
import type { JobRecord, QueueMessage } from '../../shared/ports.js';
import type { Services } from '../../shared/services.js';
import type { startEmulatedAws } from './emulated-aws.js';

type PartMessage = Extract<QueueMessage, { part: number }>;

export interface DriveOptions {
  /** Stop once this holds (and the job's outbox is drained). Default: COMPLETED or FAILED. */
  until?: (record: JobRecord) => boolean;
  /** Deliver every message twice, as SQS may. */
  duplicate?: boolean;
  /** Parts this picks are taken off the queue without running, and handed back. */
  hold?: (message: PartMessage) => boolean;
}

/**
 * Plays for engine tests over the emulated adapters the roles AWS plays in the cloud: the
 * table stream → relay, and the SQS → processor mapping. Call it once the emulators run.
 */
export function engineDriver(aws: Awaited<ReturnType<typeof startEmulatedAws>>, services: Services) {
  const queueUrl = aws.provisioned.partsQueue.url;

  async function receive() {
    const { Messages = [] } = await aws.clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    return Messages;
  }
  const remove = (receiptHandle: string | undefined) =>
    aws.clients.sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: receiptHandle }));

  return {
    async drive(
      jobId: string,
      options: DriveOptions = {},
    ): Promise<{ record: JobRecord; held: PartMessage[] }> {
      const { relayOutboxes } = await import('../../shared/engine/relay.js');
      const { runCommand } = await import('../../shared/engine/commands.js');
      const { runPart } = await import('../../shared/engine/parts.js');
      const until = options.until ?? ((record) => ['COMPLETED', 'FAILED'].includes(record.job.status));
      const held: PartMessage[] = [];
      for (let round = 0; round < 500; round++) {
        await relayOutboxes(
          services,
          await services.jobs.withPendingOutbox(new Date(Date.now() + 60_000).toISOString(), 100),
        );
        for (const message of await receive()) {
          const body = JSON.parse(message.Body ?? '{}') as QueueMessage;
          for (let delivery = 0; delivery < (options.duplicate ? 2 : 1); delivery++) {
            if ('kind' in body) await runCommand(services, body);
            else if (options.hold?.(body)) held.push(body);
            else await runPart(services, body);
          }
          await remove(message.ReceiptHandle);
        }
        const record = await services.jobs.get(jobId);
        if (record && until(record) && record.outbox.length === 0) return { record, held };
      }
      throw new Error(`job ${jobId} did not get there`);
    },

    /**
     * An immediate extract of `text` in parts (1 KiB unless `config` says otherwise), driven
     * to EXECUTING with every part taken off the queue unrun: lost, or held for the test to
     * deliver. The held parts come in part order.
     */
    async executingExtract(environmentId: string, text: string, config: Record<string, unknown> = {}) {
      const { createJob } = await import('../../shared/engine/lifecycle.js');
      const source = await this.uploadCsv(environmentId, text);
      const { job } = await createJob(services, environmentId, {
        type: 'file',
        operation: 'extract',
        source,
        config: { partSizeBytes: 1024, ...config },
        trigger: 'immediate',
      });
      let taken = 0;
      const { record, held } = await this.drive(job.id, {
        hold: () => ++taken > 0,
        until: (r) => r.job.status === 'EXECUTING' && taken >= r.job.parts,
      });
      return { jobId: job.id, source, record, held: held.sort((a, b) => a.part - b.part) };
    },

    /** Takes every message off the queue without running it: work that got lost. */
    async dropQueued(): Promise<void> {
      for (let messages = await receive(); messages.length > 0; messages = await receive()) {
        for (const message of messages) await remove(message.ReceiptHandle);
      }
    },

    /** A CSV file of the environment, its content in the bucket (`pending` until a job looks at it). */
    async uploadCsv(environmentId: string, text: string): Promise<string> {
      const now = new Date().toISOString();
      const id = `file_${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
      const key = objectKeysOf(environmentId).upload(id);
      await services.blobs.write(key, text);
      await services.resources.putFile({
        id,
        environmentId,
        name: 'data.csv',
        mediaType: 'text/csv',
        status: 'pending',
        key,
        createdAt: now,
        updatedAt: now,
      });
      return id;
    },
  };
}
