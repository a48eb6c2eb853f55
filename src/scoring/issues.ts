import { messages, type MessageFields } from "../messages.js";
import type { Issue, IssueCode, Severity } from "../schema/results.js";

/** Build an issue with its message from messages.ts; `detail` only feeds the message. */
export function makeIssue(code: IssueCode, severity: Severity, fields: MessageFields): Issue {
  const issue: Issue = { code, severity, message: messages[code](fields) };
  if (fields.instrument !== undefined) issue.instrument = fields.instrument;
  if (fields.scale !== undefined) issue.scale = fields.scale;
  if (fields.item !== undefined) issue.item = fields.item;
  if (fields.expected !== undefined) issue.expected = fields.expected;
  if (fields.received !== undefined) issue.received = fields.received;
  return issue;
}

export const hasErrors = (issues: readonly Issue[]): boolean => issues.some((i) => i.severity === "error");
