/** The rule registry: custom logic that definitions name. Adding a rule = one file + one line here. */
import { ageWindow } from "./age-window.js";
import { birthRelative } from "./birth-relative.js";
import { adjustNearCutoff } from "./missing-adjust-near-cutoff.js";
import type { Rule } from "./types.js";

export const RULES: Readonly<Record<string, Rule>> = {
  [ageWindow.name]: ageWindow,
  [birthRelative.name]: birthRelative,
  [adjustNearCutoff.name]: adjustNearCutoff,
};

export type { FormSelectionRule, MissingRuleImpl, Rule } from "./types.js";
