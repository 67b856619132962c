// Comments that try to slip something past the strict parser: more command lines than anyone types by hand, commands
// spelled with look-alike letters from other scripts (`/ѕcale` with a Cyrillic ѕ), invisible or control characters.
// They are refused as a whole with a short reply that names the problem by code point, never echoes it, and runs
// nothing. (A look-alike command used to be ignored silently: the commenter believed it had run.)
import { COMMAND_NAMES, PREFIX_WORD } from "./grammar.js";

/** A person types a few commands in one comment; more is a script or an attack. */
export const MAX_COMMAND_LINES = 10;

// Characters that render as "/" and letters that render as Latin ones (from Unicode's confusables: the Cyrillic and
// Greek letters used in practice); fullwidth forms fold to ASCII under NFKC.
const SLASHES = "/\u2215\u2044\u29F8\uFF0F";
const CONFUSABLE: Record<string, string> = {
  а: "a",
  е: "e",
  о: "o",
  р: "p",
  с: "c",
  у: "y",
  х: "x",
  ѕ: "s",
  і: "i",
  ј: "j",
  ԁ: "d",
  һ: "h",
  ӏ: "l",
  к: "k",
  α: "a",
  ο: "o",
  ρ: "p",
  ι: "i",
  κ: "k",
  ν: "v",
  τ: "t",
  ε: "e",
  υ: "u",
};
// Controls (NUL included), zero-width and bidi formatting characters, line and paragraph separators.
export const INVISIBLE =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u00AD\u200B-\u200F\u2028-\u202E\u2060-\u2064\uFEFF]/;

/** A line a reader would take for a command, not written in plain ASCII: why it is refused, or undefined. */
export function lookAlikeCommand(trimmedLine: string): string | undefined {
  const first = trimmedLine[0];
  if (first === undefined || !SLASHES.includes(first)) return undefined;
  const word = /^[^\s]+/.exec(trimmedLine.slice(1))?.[0] ?? "";
  const written = first + word;
  const odd = [...written].find((c) => !/[\x21-\x7E]/.test(c));
  if (odd === undefined) return undefined;
  const folded = [...word.normalize("NFKC")]
    .filter((c) => !INVISIBLE.test(c))
    .map((c) => CONFUSABLE[c] ?? c)
    .join("")
    .toLowerCase();
  if (folded !== PREFIX_WORD && !COMMAND_NAMES.some((n) => n === folded)) return undefined;
  return `looks like /${folded} but contains ${codePoint(odd)}; type commands in plain ASCII`;
}

/** An invisible or control character in a command line, named by code point. */
export function invisibleIn(line: string): string | undefined {
  const hit = INVISIBLE.exec(line);
  return hit ? `contains the invisible or control character ${codePoint(hit[0])}` : undefined;
}

function codePoint(c: string): string {
  return `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
}
