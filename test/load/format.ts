/** Number and verdict formats shared by the load-test reports. */

/** A rounded number with thousands separators; `—` when not finite. */
export const int = (x: number): string => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '—');

/** A goal's verdict cell. */
export const yes = (ok: boolean): string => (ok ? '**yes**' : '**no**');
