/**
 * Cohen's d_z, the standardised mean of paired differences: d_z = mean / SD of the differences (sample
 * SD, n − 1). Undefined (here: not a number) when the SD is 0.
 *
 * @param mean - mean of the differences
 * @param sd - sample SD of the differences, > 0
 * @returns mean / sd
 * @example
 * cohensDz(3, Math.sqrt(2.5)); // => 1.8973665…
 * @see Lakens, D. (2013). https://doi.org/10.3389/fpsyg.2013.00863
 */
export const cohensDz = (mean: number, sd: number): number => mean / sd;
