/** Measures one strategy's pick and observe cost in a fresh process; prints one JSON line. */
import '../../index.js';
import { pickRowOf } from './router-overhead.js';

const name = process.argv[2];
if (!name) throw new Error('usage: pick-worker.ts <strategy name>');
console.log(JSON.stringify(await pickRowOf(name)));
