import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { hashApiKey } from '../../domain/ids.js';
import { dynamo, tableName } from './client.js';
import { rethrow } from './errors.js';

export interface ApiKeyRecord {
  environmentId: string;
  name: string;
  createdAt: string;
}

/** API keys are stored only as SHA-256 hashes; the key itself is shown once. */
export const apiKeyStore = {
  async find(apiKey: string): Promise<ApiKeyRecord | undefined> {
    try {
      const { Item } = await dynamo.send(
        new GetCommand({ TableName: tableName(), Key: { pk: `KEY#${hashApiKey(apiKey)}`, sk: 'KEY' } }),
      );
      if (!Item) return undefined;
      return { environmentId: Item.environmentId, name: Item.name, createdAt: Item.createdAt };
    } catch (error) {
      return rethrow(error, 'read an API key');
    }
  },

  /** Registers a key for an environment (idempotent: the same key maps to the same environment). */
  async put(apiKey: string, record: ApiKeyRecord): Promise<void> {
    try {
      await dynamo.send(
        new PutCommand({
          TableName: tableName(),
          Item: { pk: `KEY#${hashApiKey(apiKey)}`, sk: 'KEY', kind: 'apiKey', ...record },
        }),
      );
    } catch (error) {
      return rethrow(error, 'store an API key');
    }
  },
};
