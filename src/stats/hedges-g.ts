/**
 * Hedges' g from Cohen's d: g = d · J with the small-sample correction J = 1 − 3/(4·df − 1)
 * (Hedges & Olkin 1985, the usual approximation to the exact gamma-function correction); for paired
 * differences df = n − 1. Needs df ≥ 1; the caller decides whether a df this small is worth reporting.
 *
 * @param d - Cohen's d (here d_z)
 * @param df - degrees of freedom
 * @returns d · (1 − 3/(4·df − 1))
 * @example
 * hedgesG(1.8973665961010275, 4); // => 1.5178932…
 * @see Lakens, D. (2013). https://doi.org/10.3389/fpsyg.2013.00863
 */
export const hedgesG = (d: number, df: number): number => d * (1 - 3 / (4 * df - 1));
