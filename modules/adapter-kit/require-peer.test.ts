/** requirePeer: the synchronous optional-peer loader of the metrics and otel modules. */
import { describe, expect, it } from 'vitest';
import { isSwitchyardError } from '../../index.js';
import { requirePeer } from './peer.js';

describe('requirePeer', () => {
  it('loads an installed package once and returns the same module on later calls', () => {
    const load = requirePeer<{ Registry: unknown }>('prom-client', 'switchyard-llm/metrics');
    const first = load();
    expect(typeof first.Registry).toBe('function');
    expect(load()).toBe(first);
  });

  it('throws a config error that says what to install when the package is missing', () => {
    const load = requirePeer('switchyard-no-such-peer', 'switchyard-llm/example');
    let thrown: unknown;
    try {
      load();
    } catch (error) {
      thrown = error;
    }
    expect(isSwitchyardError(thrown) && thrown.kind).toBe('config');
    expect((thrown as Error).message).toBe(
      'switchyard-llm/example needs the optional peer dependency switchyard-no-such-peer: npm install switchyard-no-such-peer',
    );
    // Not cached: the same error again (a package installed meanwhile would be found).
    expect(load).toThrow(/needs the optional peer dependency switchyard-no-such-peer/);
  });
});
