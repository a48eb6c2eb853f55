import { describe, expect, it } from "vitest";
import { ChoiceError, dateChoice, numberChoice, oneOf } from "./choice.js";

describe("dateChoice", () => {
  it("returns undefined when the option is not given", () => {
    expect(dateChoice("--at", undefined)).toBeUndefined();
  });

  it("returns a real date as yyyy-mm-dd, also when written the Danish way", () => {
    expect(dateChoice("--at", "2024-02-29")).toBe("2024-02-29");
    expect(dateChoice("--at", "1.2.2025")).toBe("2025-02-01");
    expect(dateChoice("--at", " 01-02-2025 ")).toBe("2025-02-01");
  });

  it("refuses what is not a real date, naming the flag, the value and the expected form", () => {
    for (const bad of ["2025-02-30", "2023-02-29", "2025-13-01", "25-02-01", "tomorrow", ""]) {
      expect(() => dateChoice("--at", bad), bad).toThrow(ChoiceError);
      expect(() => dateChoice("--at", bad), bad).toThrow(`--at must be a real date written yyyy-mm-dd; received ${JSON.stringify(bad)}`);
    }
  });
});

describe("oneOf and numberChoice", () => {
  it("oneOf defaults to the first value and names the valid ones", () => {
    expect(oneOf("--lang", undefined, ["da", "en"])).toBe("da");
    expect(() => oneOf("--lang", "sv", ["da", "en"])).toThrow(/--lang must be one of da, en; received "sv"/);
  });

  it("numberChoice reads a decimal comma and refuses what fails the check", () => {
    expect(numberChoice("--sd", "2,5", (x) => x > 0, "a positive number")).toBe(2.5);
    expect(() => numberChoice("--sd", "-1", (x) => x > 0, "a positive number")).toThrow('--sd must be a positive number; received "-1"');
  });
});
