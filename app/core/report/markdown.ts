// Text from the outside world (log lines, task errors) is shown, never interpreted: no fence breaks out, no
// @mention pings anyone, no HTML renders.
export function fenced(lines: readonly string[]): string {
  const body = lines.map(neutralise).join("\n");
  const longest = Math.max(2, ...Array.from(body.matchAll(/`+/g), (m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  return `${fence}text\n${body}\n${fence}`;
}

export function neutralise(text: string): string {
  return (
    text
      .replace(/@(?=[A-Za-z0-9])/g, "@\u200b")
      .replace(/\r/g, "")
      // Controls, line separators and bidi overrides would reorder or hide text in the rendered comment.
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u2028-\u202E\u2066-\u2069]/g, "\uFFFD")
  );
}

/** For table cells and inline text. */
export function inline(text: string): string {
  return neutralise(text).replace(
    /[|<>`\n]/g,
    (c) => ({ "|": "\\|", "<": "&lt;", ">": "&gt;", "`": "'", "\n": " " })[c]!,
  );
}

export function truncate(text: string, max: number, note = "\n\n… (truncated)"): string {
  if (text.length <= max) return text;
  // Cut at a line boundary before the limit, then close a fence left open.
  let cut = text.slice(0, max - note.length - 8);
  cut = cut.slice(0, Math.max(0, cut.lastIndexOf("\n")));
  const fences = cut.match(/^`{3,}/gm) ?? [];
  if (fences.length % 2 === 1) cut += `\n${fences[fences.length - 1]}`;
  return cut + note;
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
