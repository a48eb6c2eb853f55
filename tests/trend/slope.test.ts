import { describe, expect, it } from "vitest";
import { olsSlope, theilSenSlope } from "../../src/index.js";

const X = [0, 1, 2, 4, 6];
const Y = [20, 22, 21, 26, 27];
const pts = X.map((x, i) => [x, Y[i]!] as const);

describe("slopes per week", () => {
  it("least squares matches R's lm", () => {
    // Rscript -e 'x<-c(0,1,2,4,6); y<-c(20,22,21,26,27); print(coef(summary(lm(y~x))), digits=15)'
    //   (Intercept) 20.01724137931034  0.812908636836295
    //   x            1.22413793103448  0.240762759375327   (R 4.x)
    const s = olsSlope(pts)!;
    expect(s.slope).toBeCloseTo(1.22413793103448, 12);
    expect(s.intercept).toBeCloseTo(20.01724137931034, 12);
    expect(s.se!).toBeCloseTo(0.240762759375327, 12);
    expect(s.n).toBe(5);
  });

  it("Theil–Sen is the median of the 10 pairwise slopes", () => {
    // Rscript -e 'x<-c(0,1,2,4,6); y<-c(20,22,21,26,27); s<-combn(5,2,function(i)(y[i[2]]-y[i[1]])/(x[i[2]]-x[i[1]])); median(s)'  → 1.25
    expect(theilSenSlope(pts)).toEqual({ slope: 1.25, pairs: 10 });
  });

  it("no slope from one point or one date; no SE from two points", () => {
    expect(olsSlope([[0, 3]])).toBeNull();
    expect(olsSlope([[1, 3], [1, 5]])).toBeNull();
    expect(theilSenSlope([[1, 3], [1, 5]])).toBeNull();
    expect(olsSlope([[0, 3], [2, 7]])).toEqual({ slope: 2, intercept: 3, se: null, n: 2 });
  });
});
