import type { EnvironmentInFlight } from '../../ports.js';
import { dynamo, GetCommand, PutCommand, tableName } from './client.js';
import { isConditionFailed, rethrow } from './errors.js';

/**
 * One item per environment with a cap: the parts each of its executing jobs declared in
 * flight (docs/fairness.md). Rewritten whole under its version, so concurrent top-ups of
 * the environment's jobs take turns and never lose each other's declarations.
 */
const ledgerKey = (environmentId: string) => ({ pk: `ENV#${environmentId}`, sk: 'PARTS_IN_FLIGHT' });

export const environmentInFlightStore = {
  async read(environmentId: string): Promise<EnvironmentInFlight> {
    try {
      const { Item } = await dynamo.send(
        new GetCommand({ TableName: tableName(), Key: ledgerKey(environmentId), ConsistentRead: true }),
      );
      const jobs: Record<string, number> = {};
      for (const [jobId, parts] of Object.entries(Item?.jobs ?? {})) jobs[jobId] = Number(parts);
      return { version: Number(Item?.version ?? 0), jobs };
    } catch (error) {
      return rethrow(error, `read the parts in flight of environment ${environmentId}`);
    }
  },

  async write(
    environmentId: string,
    read: EnvironmentInFlight,
    jobs: Readonly<Record<string, number>>,
  ): Promise<boolean> {
    try {
      await dynamo.send(
        new PutCommand({
          TableName: tableName(),
          Item: { ...ledgerKey(environmentId), kind: 'partsInFlight', version: read.version + 1, jobs },
          ConditionExpression: read.version === 0 ? 'attribute_not_exists(pk)' : 'version = :version',
          ...(read.version === 0 ? {} : { ExpressionAttributeValues: { ':version': read.version } }),
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      return rethrow(error, `declare the parts in flight of environment ${environmentId}`);
    }
  },
};
