/**
 * Reliable change index (Jacobson & Truax 1991): RCI = (after − before) / S_diff. The sign is the raw
 * direction of change, not "better" or "worse" (the scale's direction decides that).
 *
 * @param before - score at the earlier administration
 * @param after - score at the later administration
 * @param sDiff - standard error of the difference (see jacobsonTruax)
 * @returns (after − before) / sDiff
 * @example
 * rci(30, 20, 3.1622776601683795); // => -3.1622776…
 * @see https://doi.org/10.1037//0022-006X.59.1.12
 */
export const rci = (before: number, after: number, sDiff: number): number => (after - before) / sDiff;
