/** Colours of the report: calm for successes, warm for errors, one hue per latency quantile. */
export const COLORS = {
  success: '#3b82f6',
  p50: '#312e81',
  p95: '#6366f1',
  p99: '#a5b4fc',
  input: '#0ea5e9',
  cached: '#99f6e4',
  output: '#f59e0b',
  cost: '#8b5cf6',
  objective: '#dc2626',
  good: '#059669',
  warn: '#d97706',
  bad: '#dc2626',
} as const;

/** Error kinds, in order of first use: distinct warm and dark hues that read on white. */
const ERROR_COLORS = ['#ef4444', '#f97316', '#a855f7', '#ec4899', '#eab308', '#78350f', '#be123c', '#64748b'];

/** The colour of the `i`-th error kind (cycling). */
export function errorColor(i: number): string {
  return ERROR_COLORS[i % ERROR_COLORS.length] as string;
}
