import type { z } from "zod";
import type { Administration, Issue } from "../schema/results.js";
import type { BandSet, FormDef } from "../schema/instrument.js";

/** Chooses the form (e.g. the ASQ:SE-2 age interval) for an administration without an explicit form. */
export interface FormSelectionRule<P = unknown> {
  type: "form-selection";
  name: string;
  description: string;
  params: z.ZodType<P>;
  select(ctx: { instrumentId: string; forms: readonly FormDef[]; administration: Administration; params: P }): FormSelection;
}

export interface FormSelection {
  form: string | null;
  explanation: string;
  issues: Issue[];
  provisional: boolean;
}

export interface MissingRuleContext<P> {
  instrumentId: string;
  scaleId: string;
  /** the administered form (null for an instrument without forms) */
  formId: string | null;
  /** scored points of the answered items */
  answered: readonly number[];
  nItems: number;
  /** the bands that apply to this scale and form, if any */
  bands: BandSet | undefined;
  params: P;
}

export interface MissingRuleOutcome {
  score: number | null;
  status: "scored" | "prorated" | "not_scorable";
  /** what was done, for the result's rule text */
  rule: string;
  issues: Issue[];
  /** true when a provisional number decided the outcome */
  provisional: boolean;
  reason?: string;
}

/** Decides how a sum scale with missing items is scored, where a manual has its own procedure. */
export interface MissingRuleImpl<P = unknown> {
  type: "missing";
  name: string;
  description: string;
  params: z.ZodType<P>;
  apply(ctx: MissingRuleContext<P>): MissingRuleOutcome;
}

export type Rule = FormSelectionRule<any> | MissingRuleImpl<any>;
