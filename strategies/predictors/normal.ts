/**
 * The standard normal quantile function, for drawing Gaussian samples from one uniform draw
 * (one `random()` call, no `log` in 95% of cases) on the strategies' hot path.
 */

// Coefficients of Acklam's rational approximation (relative error < 1.2e-9).
const A0 = -3.969683028665376e1;
const A1 = 2.209460984245205e2;
const A2 = -2.759285104469687e2;
const A3 = 1.38357751867269e2;
const A4 = -3.066479806614716e1;
const A5 = 2.506628277459239;
const B0 = -5.447609879822406e1;
const B1 = 1.615858368580409e2;
const B2 = -1.556989798598866e2;
const B3 = 6.680131188771972e1;
const B4 = -1.328068155288572e1;
const C0 = -7.784894002430293e-3;
const C1 = -3.223964580411365e-1;
const C2 = -2.400758277161838;
const C3 = -2.549732539343734;
const C4 = 4.374664141464968;
const C5 = 2.938163982698783;
const D0 = 7.784695709041462e-3;
const D1 = 3.224671290700398e-1;
const D2 = 2.445134137142996;
const D3 = 3.754408661907416;
const LOW = 0.02425;
/** Draws are clamped to [EDGE, 1 − EDGE] so that 0 (which `random()` may return) stays finite. */
const EDGE = 1e-12;

/**
 * Φ⁻¹(p): the z with P(Z ≤ z) = p for a standard normal Z. Maps a uniform draw in [0, 1) to a
 * standard normal draw; p is clamped to [1e-12, 1 − 1e-12] (|z| ≤ 7.03).
 *
 * @example
 * ```ts
 * standardNormalQuantile(0.975); // ≈ 1.959964
 * ```
 */
export function standardNormalQuantile(p: number): number {
  const u = Math.min(Math.max(p, EDGE), 1 - EDGE);
  if (u < LOW) {
    const q = Math.sqrt(-2 * Math.log(u));
    return (
      (((((C0 * q + C1) * q + C2) * q + C3) * q + C4) * q + C5) /
      ((((D0 * q + D1) * q + D2) * q + D3) * q + 1)
    );
  }
  if (u > 1 - LOW) {
    const q = Math.sqrt(-2 * Math.log(1 - u));
    return (
      -(((((C0 * q + C1) * q + C2) * q + C3) * q + C4) * q + C5) /
      ((((D0 * q + D1) * q + D2) * q + D3) * q + 1)
    );
  }
  const q = u - 0.5;
  const r = q * q;
  return (
    ((((((A0 * r + A1) * r + A2) * r + A3) * r + A4) * r + A5) * q) /
    (((((B0 * r + B1) * r + B2) * r + B3) * r + B4) * r + 1)
  );
}

/**
 * Standard normal CDF Φ(z) (Abramowitz–Stegun 7.1.26, absolute error < 1.5e-7). O(1).
 *
 * @example
 * ```ts
 * standardNormalCdf(0); // 0.5
 * standardNormalCdf(-1.6449); // ≈ 0.05
 * ```
 */
export function standardNormalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly =
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const tail = 0.5 * poly * Math.exp(-x * x);
  return z >= 0 ? 1 - tail : tail;
}
