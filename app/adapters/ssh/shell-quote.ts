// ssh's exec request carries one string that the remote user's shell parses. Berth never builds that string from
// text: it takes argument tokens and quotes every one of them, so each token arrives as exactly one argv entry
// whatever it contains ($(), ;, backticks, quotes). NUL and newlines have no legitimate use and are refused.
export function quoteToken(token: string): string {
  if (token.includes("\0") || token.includes("\n") || token.includes("\r")) {
    throw new Error(`refusing an argument with a NUL or newline: ${JSON.stringify(token.slice(0, 40))}`);
  }
  return `'${token.replace(/'/g, `'\\''`)}'`;
}

export function commandLine(argv: readonly string[]): string {
  if (argv.length === 0) throw new Error("empty command");
  return argv.map(quoteToken).join(" ");
}
