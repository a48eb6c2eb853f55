import { describe, expect, it } from "vitest";
import { didYouMean, didYouMeanHint } from "./did-you-mean.js";

describe("didYouMean", () => {
  it.each([
    ["instrumnet", ["instrument", "scale"], "instrument"],
    ["orss", ["ors", "srs", "epds"], "ors"],
    ["scroe", ["score", "trend"], "score"],
    ["EPDS", ["epds", "pss"], "epds"],
    ["xyz", ["score", "trend"], undefined],
    ["a", ["b"], undefined],
  ])("%s among %j is %s", (word, candidates, expected) => {
    expect(didYouMean(word, candidates)).toBe(expected);
  });

  it("gives a hint only when a candidate is near", () => {
    expect(didYouMeanHint("trnd", ["trend"])).toBe('; did you mean "trend"?');
    expect(didYouMeanHint("zzzz", ["trend"])).toBe("");
  });
});
