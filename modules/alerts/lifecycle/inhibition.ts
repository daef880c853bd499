import type { Alert, Severity } from '../types.js';

/**
 * An inhibition: a firing alert of `sourceSeverity` suppresses the notifications of alerts of
 * `targetSeverity` that have the same value (or both none) for every label in `equal`.
 */
export interface InhibitRule {
  readonly sourceSeverity: Severity;
  readonly targetSeverity: Severity;
  readonly equal: readonly string[];
}

/** A critical suppresses the warning about the same target or alias. */
export const DEFAULT_INHIBITIONS: readonly InhibitRule[] = [
  { sourceSeverity: 'critical', targetSeverity: 'warning', equal: ['target', 'alias'] },
];

/** Whether `alert` is suppressed by one of `firing` under `rules`. */
export function isInhibited(
  alert: Pick<Alert, 'fingerprint' | 'severity' | 'labels'>,
  firing: readonly Pick<Alert, 'fingerprint' | 'severity' | 'labels'>[],
  rules: readonly InhibitRule[],
): boolean {
  for (const rule of rules) {
    if (alert.severity !== rule.targetSeverity) continue;
    for (const source of firing) {
      if (source.fingerprint === alert.fingerprint || source.severity !== rule.sourceSeverity) continue;
      if (rule.equal.every((label) => source.labels[label] === alert.labels[label])) return true;
    }
  }
  return false;
}
