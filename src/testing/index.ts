/**
 * `switchyard-llm/testing`: mock adapters, a virtual clock and a seeded random source, for testing
 * code that uses Switchyard without network, real sleeps or flakiness.
 */

export { createSeededRandom } from '../clock.js';
export {
  MockAdapter,
  type MockAdapterOptions,
  type MockCall,
  type MockCallInfo,
  type MockError,
  type MockHandler,
  type MockOutcome,
} from './mock-adapter.js';
export { VirtualClock } from './virtual-clock.js';
