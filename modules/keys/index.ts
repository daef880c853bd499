/**
 * `switchyard-llm/keys`: provider API keys, encrypted at rest and spread over several keys.
 *
 * {@link KeyVault} stores keys with AES-256-GCM envelope encryption (a random data key per record,
 * wrapped by a master key from an environment variable, a file or a scrypt passphrase) in a
 * versioned file written atomically (or in Redis with {@link redisVaultStorage}, shared by several
 * processes), and rotates the master key by re-wrapping every record.
 * {@link KeySet} picks the healthiest of several keys, disables one that answers 401/403 and
 * rests one that answers 429; {@link keyedAdapter} puts a key set behind any adapter.
 *
 * @example
 * ```ts
 * import { KeyVault, keyedAdapter } from 'switchyard-llm/keys';
 * const vault = await KeyVault.open({ path: 'keys.json', masterKey: { env: 'SWITCHYARD_MASTER_KEY' } });
 * const adapter = keyedAdapter(vault.keySet('openai'), (apiKey) => new OpenAIAdapter({ apiKey }));
 * ```
 */

export { type KeyRecord, type KeyStatus, VAULT_FORMAT, VAULT_VERSION, type VaultFile } from './format.js';
export {
  aes256GcmDecrypt,
  aes256GcmEncrypt,
  IV_BYTES,
  KEY_BYTES,
  type RandomBytes,
  type Sealed,
  TAG_BYTES,
} from './gcm.js';
export {
  type KeyInput,
  KeyLease,
  type KeyPick,
  KeySet,
  type KeySetEvents,
  type KeySetOptions,
  type KeyStats,
} from './key-set.js';
export { type KeyedAdapterOptions, keyedAdapter } from './keyed-adapter.js';
export type { KdfRecord, MasterKeySource, ScryptParams } from './master-key.js';
export {
  type RedisCommandClient,
  type RedisVaultStorageOptions,
  redisVaultStorage,
} from './redis-storage.js';
export {
  fileVaultStorage,
  type VaultConflict,
  type VaultDocument,
  type VaultStorage,
} from './storage.js';
export { KeyVault } from './vault.js';
export type { KeyInfo, KeyVaultOptions, VaultEvent } from './vault-types.js';
