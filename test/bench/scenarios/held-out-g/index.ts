import type { HeldOutSet } from '../scenario.js';
import { longPromptCliff } from './long-prompt-cliff.js';
import { streamContention } from './stream-contention.js';
import { twoCliffs } from './two-cliffs.js';

/** Set G with its history. */
export const heldOutG: HeldOutSet = {
  label: 'G',
  history:
    "Written for issue #19 §3 (the comparison of the model families in `switchyard-llm/ml`), before any family's figures on them were seen: latency that is not linear in the request's features, G1 a provider four times slower past 3,000 prompt tokens, G2 a provider whose streams slow with load while its plain calls do not (stream × load), G3 two providers with cliffs at different prompt sizes. The lab's `longPrompt` and `streamLoadFactor` latency options were added for them. Nothing was tuned on them.",
  scenarios: [longPromptCliff, streamContention, twoCliffs],
};
