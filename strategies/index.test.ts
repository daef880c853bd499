import { describe, expect, it } from 'vitest';
import { StrategyRegistry } from '../src/index.js';
import {
  adaptive,
  builtinStrategies,
  cost,
  intelligent,
  leastConnections,
  priority,
  random,
  registerBuiltinStrategies,
  responseTime,
  roundRobin,
  weighted,
} from './index.js';
import { fakeContext, fakeInit, fakeTargets } from './testing.js';

const NAMES = [
  'adaptive',
  'cost',
  'intelligent',
  'least-connections',
  'priority',
  'random',
  'response-time',
  'round-robin',
  'weighted',
];

describe('strategies entry', () => {
  it('builtinStrategies maps each of the nine names to a factory of a strategy with that name', () => {
    expect(Object.keys(builtinStrategies).sort()).toEqual(NAMES);
    const targets = fakeTargets(3);
    for (const [name, factory] of Object.entries(builtinStrategies)) {
      const strategy = factory(fakeInit(targets));
      expect(strategy.name).toBe(name);
      expect(targets).toContain(strategy.pick(targets, fakeContext()));
      expect(strategy.describe!(targets, fakeContext())).toHaveLength(3);
    }
  });

  it('builtinStrategies is frozen', () => {
    expect(Object.isFrozen(builtinStrategies)).toBe(true);
  });

  it('registerBuiltinStrategies registers all nine names, and calling it twice is harmless', () => {
    const registry = new StrategyRegistry();
    registerBuiltinStrategies(registry);
    expect(registry.names()).toEqual(NAMES);
    expect(() => registerBuiltinStrategies(registry)).not.toThrow();
    expect(registry.names()).toEqual(NAMES);
    for (const name of NAMES) expect(registry.get(name)).toBe(builtinStrategies[name]);
  });

  it('exports the factory makers', () => {
    const init = fakeInit(fakeTargets(2));
    const made = [
      roundRobin(),
      weighted(),
      leastConnections(),
      responseTime(),
      priority(),
      random(),
      cost(),
      adaptive(),
      intelligent(),
    ].map((f) => f(init).name);
    expect(made.sort()).toEqual(NAMES);
  });

  it('each factory call makes an independent strategy', () => {
    const targets = fakeTargets(3);
    const one = roundRobin()(fakeInit(targets));
    const two = roundRobin()(fakeInit(targets));
    one.pick(targets, fakeContext());
    expect(two.pick(targets, fakeContext()).id).toBe('a');
  });
});
