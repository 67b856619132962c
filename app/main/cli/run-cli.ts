// The CLI framework: picks the command, parses its options strictly (an unknown option or a missing value is a
// usage error, exit 2, never a stack trace), answers --help at every level, and turns thrown failures into exit 1.
import { parseArgs, type ParseArgsConfig } from "node:util";
import { EXIT, CliFailure, UsageError, type CliCommand, type CliContext, type CliOption } from "./command.js";

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

const GLOBAL_OPTIONS: Record<string, CliOption> = {
  help: { type: "boolean", short: "h", description: "show this help and exit" },
  json: { type: "boolean", description: "print one JSON document on stdout instead of text (for scripts)" },
};

export const EXIT_CODES_HELP = [
  "exit codes:",
  "  0  done, no problems",
  "  1  problems found, or the operation failed (the message says which)",
  "  2  wrong usage (the usage line is printed)",
];

export function mainHelp(commands: readonly CliCommand[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    "usage: berth <command> [arguments] [--json] [--help]",
    "",
    "commands:",
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "Run `berth <command> --help` for a command's arguments and options.",
    ...EXIT_CODES_HELP,
  ].join("\n");
}

export function commandHelp(command: CliCommand): string {
  const options = { ...command.options, ...GLOBAL_OPTIONS };
  const label = (name: string, o: CliOption) =>
    `${o.short ? `-${o.short}, ` : ""}--${name}${o.type === "string" ? ` ${o.value ?? "VALUE"}` : ""}`;
  const width = Math.max(...Object.entries(options).map(([n, o]) => label(n, o).length));
  return [
    `usage: berth ${command.usage}`,
    "",
    command.summary,
    ...(command.details?.length ? ["", ...command.details] : []),
    "",
    "options:",
    ...Object.entries(options).map(
      ([n, o]) =>
        `  ${label(n, o).padEnd(width)}  ${o.description}${o.default !== undefined && o.default !== false ? ` (default ${String(o.default)})` : ""}`,
    ),
    "",
    ...EXIT_CODES_HELP,
  ].join("\n");
}

function usageFailure(io: CliIo, message: string, usage: string, helpHint: string): number {
  io.err(`berth: ${message}`);
  io.err(`usage: ${usage}`);
  io.err(helpHint);
  return EXIT.usage;
}

export async function runCli(
  commands: readonly CliCommand[],
  argv: readonly string[],
  env: Record<string, string | undefined>,
  io: CliIo,
): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    const topic = name === "help" ? commands.find((c) => c.name === rest[0]) : undefined;
    if (name === "help" && rest[0] !== undefined && !topic) {
      return usageFailure(io, `unknown command '${rest[0]}'`, "berth <command> [arguments]", "Run `berth --help`.");
    }
    if (name === undefined) {
      io.err(mainHelp(commands));
      return EXIT.usage;
    }
    io.out(topic ? commandHelp(topic) : mainHelp(commands));
    return EXIT.ok;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    const known = commands.map((c) => c.name).join(", ");
    return usageFailure(
      io,
      `unknown command '${name}' (commands: ${known})`,
      "berth <command> [arguments]",
      "Run `berth --help`.",
    );
  }
  const usage = `berth ${command.usage}`;
  const hint = `Run \`berth ${command.name} --help\` for details.`;
  const declared = { ...command.options, ...GLOBAL_OPTIONS };
  const options: NonNullable<ParseArgsConfig["options"]> = Object.fromEntries(
    Object.entries(declared).map(([n, o]) => [
      n,
      {
        type: o.type,
        ...(o.short ? { short: o.short } : {}),
        ...(o.default !== undefined ? { default: o.default } : {}),
      },
    ]),
  );
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...rest], options, allowPositionals: true, strict: true }) as typeof parsed;
  } catch (e) {
    // node:util's messages name the option ("Unknown option '--frob'"); its code tells a usage error from a bug.
    const message = (e as Error).message.replace(/\. To specify a positional argument.*$/s, "");
    return usageFailure(io, message, usage, hint);
  }
  if (parsed.values.help === true) {
    io.out(commandHelp(command));
    return EXIT.ok;
  }
  const { min, max } = command.positionals;
  if (parsed.positionals.length < min || parsed.positionals.length > max) {
    const what =
      parsed.positionals.length < min ? "missing arguments" : `unexpected argument '${parsed.positionals[max]}'`;
    return usageFailure(io, what, usage, hint);
  }
  const json = parsed.values.json === true;
  const ctx: CliContext = {
    positionals: parsed.positionals,
    values: parsed.values,
    json,
    env,
    out: io.out,
    err: io.err,
    say: (line) => {
      if (!json) io.out(line);
    },
    emit: (data) => {
      if (json) io.out(JSON.stringify(data, null, 2));
    },
  };
  try {
    return await command.run(ctx);
  } catch (e) {
    if (e instanceof UsageError) return usageFailure(io, e.message, usage, hint);
    const message = e instanceof CliFailure ? e.message : `${(e as Error).name}: ${(e as Error).message}`;
    if (json) io.out(JSON.stringify({ ok: false, error: message }, null, 2));
    io.err(`berth ${command.name}: ${message}`);
    if (!(e instanceof CliFailure) && env.BERTH_DEBUG) io.err((e as Error).stack ?? "");
    return EXIT.failure;
  }
}
