import { describe, expect, it } from 'vitest';
import { lazyClient } from '../../modules/adapter-kit/index.js';
import { SwitchyardError } from '../../src/index.js';

const sdk = { Client: class {} };

describe('lazyClient', () => {
  it('loads the SDK and builds the client on the first load(), once', async () => {
    let loads = 0;
    let builds = 0;
    const lazy = lazyClient(
      async () => {
        loads++;
        return sdk;
      },
      (s) => {
        builds++;
        return new s.Client();
      },
      'TestAdapter: test-sdk',
    );
    expect([lazy.current, lazy.sdk, loads]).toEqual([undefined, undefined, 0]);
    const [a, b] = await Promise.all([lazy.load(), lazy.load()]);
    expect(a).toBe(b);
    expect(lazy.current).toBe(a);
    expect(lazy.sdk).toBe(sdk);
    expect(await lazy.load()).toBe(a);
    expect([loads, builds]).toEqual([1, 1]);
  });

  it('options the SDK refuses are a config error; a SwitchyardError of create and a failed load stay as they are', async () => {
    const refused = lazyClient(
      async () => sdk,
      () => {
        throw new TypeError('apiKey and adToken are exclusive');
      },
      'TestAdapter: test-sdk',
    );
    const error = await refused.load().catch((e: unknown) => e);
    expect(error).toMatchObject({
      kind: 'config',
      message: 'TestAdapter: test-sdk rejected the client options: apiKey and adToken are exclusive',
    });
    expect((error as Error).cause).toBeInstanceOf(TypeError);
    // The SDK was loaded (its error classes are there for the mapping); the failure is kept.
    expect(refused.sdk).toBe(sdk);
    expect(refused.current).toBeUndefined();
    expect(await refused.load().catch((e: unknown) => e)).toBe(error);

    const own = new SwitchyardError('config', 'no endpoint');
    const typed = lazyClient(
      async () => sdk,
      () => {
        throw own;
      },
      'TestAdapter: test-sdk',
    );
    expect(await typed.load().catch((e: unknown) => e)).toBe(own);

    const missing = new SwitchyardError('config', 'npm install test-sdk');
    const unloaded = lazyClient(
      () => Promise.reject(missing),
      () => new sdk.Client(),
      'TestAdapter: test-sdk',
    );
    expect(await unloaded.load().catch((e: unknown) => e)).toBe(missing);
    expect(unloaded.sdk).toBeUndefined();
  });
});
