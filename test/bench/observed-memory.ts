/**
 * Memory of a Router with the metrics collector and the usage ledger attached over 1,000,000
 * calls with distinct tags (the `npm run bench` section, on its own); prints the measured row.
 *
 * Run: node --expose-gc --import tsx test/bench/observed-memory.ts (CALLS in the environment)
 */
import { observedMemory } from '../helpers/observed-memory.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');
const calls = Number(process.env.CALLS ?? 1_000_000);
const row = await observedMemory({ calls, warmup: 5_000, gc });
console.log(row);
