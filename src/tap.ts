/** The items of `xs` as they are taken, each shown to `see` first: to count what a writer consumes without keeping it. */
export function* tap<T>(xs: Iterable<T>, see: (x: T) => void): Generator<T> {
  for (const x of xs) {
    see(x);
    yield x;
  }
}
