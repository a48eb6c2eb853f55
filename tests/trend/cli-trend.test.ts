import { describe, expect, it } from "vitest";
import { run } from "../../src/cli/run.js";
import { memoryIo } from "../../src/cli/io.js";

// Three ORS sessions for F1 (18 → 24 → 30, adult cutoff 25, 5-point rule: recovered),
// one for F2 (insufficient_data), and PSS for F1 without norms (reason on stderr).
const RAW = `subject_id,administered_on,respondent,ors_1,ors_2,ors_3,ors_4
F1,2024-01-01,mother,4,5,4,5
F1,2024-01-08,mother,6,6,6,6
F1,2024-01-15,mother,7,8,7,8
F2,2024-01-01,mother,5,5,5,5
`;

describe("trivsel trend", () => {
  it("writes the contract columns and verdicts from a raw file", async () => {
    const io = memoryIo(RAW);
    expect(await run(["trend", "-"], io)).toBe(0);
    // slope: points (0,18) (1,24) (2,30) lie on a line with slope 6 per week
    expect(io.out).toBe(
      "subject_id,respondent,instrument,scale,form,n,first_date,last_date,baseline,latest,change,rci,reliable_change,category,slope_per_week,norms\n" +
        "F1,mother,ors,total,,3,2024-01-01,2024-01-15,18,30,12,,improved,recovered,6,definition\n" +
        "F2,mother,ors,total,,1,2024-01-01,2024-01-01,20,20,,,,insufficient_data,,definition\n",
    );
    expect(io.err).toMatch(/insufficient_data: only one administration: no change to assess \(1 series\)/);
  });

  it("reads back the long output of trivsel score with the same result", async () => {
    const scored = memoryIo(RAW);
    expect(await run(["score", "-", "--quiet"], scored)).toBe(0);
    const io = memoryIo(scored.out);
    expect(await run(["trend", "-", "--quiet"], io)).toBe(0);
    expect(io.out).toContain("F1,mother,ors,total,,3,2024-01-01,2024-01-15,18,30,12,,improved,recovered,6,definition\n");
  });

  it("passes --sd/--reliability to the RCI and refuses them without --scale", async () => {
    const pss = `subject_id,administered_on,respondent,${Array.from({ length: 18 }, (_, i) => `pss_${i + 1}`).join(",")}\n` +
      `F1,2024-01-01,mother,${Array(18).fill(2).join(",")}\n` + `F1,2024-03-01,mother,${Array(18).fill(2).join(",")}\n`;
    const bad = memoryIo(pss);
    expect(await run(["trend", "-", "--sd", "5", "--reliability", "0.8"], bad)).toBe(1);
    expect(bad.err).toMatch(/need --instrument and --scale/);
    const none = memoryIo(pss);
    await run(["trend", "-", "--format", "json", "--quiet"], none);
    const bare = JSON.parse(none.out).analyses[0];
    // a follow-up exists, so the verdict is missing for want of norms, not of data
    expect(bare).toMatchObject({ category: "no_norms", norms: { kind: "none" } });
    expect(bare.notes[0]).toMatch(/^no norms for reliable change \(reliability 0\.83 from norm berry1995, published\): no published SD; give --sd, or --norms sample/);
    const io = memoryIo(pss);
    expect(await run(["trend", "-", "--instrument", "pss", "--scale", "total", "--sd", "5", "--reliability", "0.8", "--quiet"], io)).toBe(0);
    // identical answers (some reverse-keyed) give equal totals: change 0, RCI 0 → unchanged
    expect(io.out.split("\n")[1]).toMatch(/^F1,mother,pss,total,,2,2024-01-01,2024-03-01,(\d+),\1,0,0,none,unchanged,0,user$/);
  });
});
