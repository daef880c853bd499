/**
 * Size bands (of a prompt's length, or of an answer's cap): a coarse context for strategies that
 * learn one figure per target (a speed ratio) and need it to differ between small and large
 * requests, without a regression per target. `BandFactors` keeps the per-band sums. Internal to
 * `strategies/`.
 */

/**
 * The band of a request of `size` (tokens): the number of `edges` (ascending) it reaches, so
 * `edges.length + 1` bands in all. A linear scan: the edge lists are a handful long.
 */
export function bandOf(size: number, edges: readonly number[]): number {
  let band = 0;
  while (band < edges.length && size >= edges[band]!) band++;
  return band;
}

/**
 * How many observations of the target's overall figure a band's own observations should be
 * weighed against (its prior weight, `σ² / τ²`), estimated from how much the target's bands
 * differ: the method-of-moments estimate of the between-band variance `τ²` (DerSimonian–Laird)
 * over the within-band variance `σ²`. Bands alike → `maxWeight` (the band follows the overall
 * figure); bands far apart → down to 1 (each band follows its own outcomes).
 *
 * Reads `bands` entries from `offset` of the discounted weights `n`, sums `sums` and sums of
 * squares `squares`; bands with a weight under 1 are left out. Returns `undefined` until two bands
 * have data (nothing to compare yet).
 */
export function bandPriorWeight(
  n: Float64Array,
  sums: Float64Array,
  squares: Float64Array,
  offset: number,
  bands: number,
  maxWeight: number,
): number | undefined {
  let total = 0;
  let totalSum = 0;
  for (let b = offset; b < offset + bands; b++) {
    if (n[b]! < 1) continue;
    total += n[b]!;
    totalSum += sums[b]!;
  }
  if (total === 0) return undefined;
  const mean = totalSum / total;
  let between = 0;
  let within = 0;
  let used = 0;
  let totalSquared = 0;
  for (let b = offset; b < offset + bands; b++) {
    const w = n[b]!;
    if (w < 1) continue;
    const bandMean = sums[b]! / w;
    between += w * (bandMean - mean) ** 2;
    within += Math.max(0, squares[b]! - w * bandMean * bandMean);
    totalSquared += w * w;
    used++;
  }
  if (used < 2 || total <= used) return undefined;
  const withinVariance = within / (total - used);
  const spreadOfWeights = total - totalSquared / total;
  const betweenVariance = (between - (used - 1) * withinVariance) / spreadOfWeights;
  if (!(betweenVariance * maxWeight > withinVariance)) return maxWeight;
  return Math.max(1, withinVariance / betweenVariance);
}
