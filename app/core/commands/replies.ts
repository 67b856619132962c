// Reply comments for commands: refusals say what to write instead or which role is needed; results say what
// happened. Text from users is shown inline-escaped, never as markdown that could ping or render.
import { inline } from "../report/markdown.js";
import { COMMAND_NAMES, PURPOSE, USAGE } from "./grammar.js";
import type { ParsedLine } from "./parse.js";
import { MAX_COMMAND_LINES } from "./hostile-lines.js";

// A refused line is quoted back so the commenter sees which one; a long one only by its beginning.
const QUOTED_LINE_CHARS = 80;
const quoted = (line: string) =>
  inline(line.length > QUOTED_LINE_CHARS ? `${line.slice(0, QUOTED_LINE_CHARS)}…` : line);

export function commandReplyMarker(commentId: number): string {
  return `<!-- berth:command:${commentId} -->`;
}

export function helpText(): string {
  return [
    "Berth commands (one per line; `/berth <command>` works too):",
    "",
    ...COMMAND_NAMES.map((n) => `- \`${USAGE[n]}\` — ${PURPOSE[n]}`),
  ].join("\n");
}

/** The reply to a comment with lines that do not parse: nothing of the comment ran. */
export function parseRefusal(lines: Extract<ParsedLine, { ok: false }>[]): string {
  const out = ["😕 Nothing was run:", ""];
  for (const l of lines) {
    // The usage line is ours, shown as code (escaping it would print "&lt;service&gt;" inside the code span).
    const reason = l.usage ? l.message.slice(0, l.message.lastIndexOf("; usage: ")) : l.message;
    out.push(`- \`${quoted(l.line)}\`: ${inline(reason)}${l.usage ? `; usage: \`${l.usage}\`` : ""}`);
  }
  if (lines.some((l) => l.kind === "unknown")) out.push("", helpText());
  return out.join("\n");
}

/** A comment with more command lines than a person types: refused whole, without quoting any of them. */
export function tooManyCommands(count: number): string {
  return (
    `😕 Nothing was run: a comment may hold at most ${MAX_COMMAND_LINES} commands, one per line; ` +
    `this one has ${count}.`
  );
}

export function refusal(title: string, reasons: { line: string; message: string }[]): string {
  return [`😕 ${title}`, "", ...reasons.map((r) => `- \`${quoted(r.line)}\`: ${inline(r.message)}`)].join("\n");
}

export function resultReply(ok: boolean, results: { line: string; text: string }[]): string {
  const out = [ok ? "🚀 Done:" : "😕 Failed:"];
  for (const r of results) out.push("", `**\`${inline(r.line)}\`** — ${r.text}`);
  return out.join("\n");
}
