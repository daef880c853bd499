/**
 * The `switchyard-llm` entry: the core, with the built-in strategies registered by name in the
 * global registry (`Router.strategies`). This is the one place where core and strategies meet.
 */
import { Router } from './src/index.js';
import { registerBuiltinStrategies } from './strategies/index.js';

registerBuiltinStrategies(Router.strategies);

export * from './src/index.js';
