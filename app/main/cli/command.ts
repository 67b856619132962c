// The shape every `berth <command>` has, so a command is one small file plus one line in commands.ts. The framework
// (run-cli.ts) parses options strictly, answers --help, and maps outcomes to the documented exit codes.

/** 0: done, no problems. 1: problems found or the operation failed. 2: wrong usage (the usage line is printed). */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

export interface CliOption {
  type: "string" | "boolean";
  short?: string;
  /** Shown in --help, e.g. "DIR  where deploy configs live (default deploy-configs)". */
  description: string;
  default?: string | boolean;
  /** The placeholder for a string option's value in --help. */
  value?: string;
}

export interface CliContext {
  positionals: string[];
  /** Option values after defaults; strings and booleans as declared. */
  values: Record<string, string | boolean | undefined>;
  /** --json: print one JSON document on stdout (emit), human lines go nowhere. */
  json: boolean;
  env: Record<string, string | undefined>;
  out(line: string): void;
  err(line: string): void;
  /** Human output: printed unless --json. */
  say(line: string): void;
  /** Machine output: printed (as JSON) only with --json. */
  emit(data: unknown): void;
}

export interface CliCommand {
  name: string;
  /** One line for `berth --help`. */
  summary: string;
  /** After "berth ": arguments and options, e.g. "plan <owner/repo> <environment> --sha SHA". */
  usage: string;
  /** Further lines for `berth <command> --help`. */
  details?: string[];
  options?: Record<string, CliOption>;
  positionals: { min: number; max: number };
  run(ctx: CliContext): Promise<number>;
}

/** Wrong usage: exit 2 with the message and the command's usage line. */
export class UsageError extends Error {}

/** An expected failure (missing config, Swarm unreachable…): exit 1 with the message, never a stack trace. */
export class CliFailure extends Error {}

export function stringValue(ctx: CliContext, name: string): string | undefined {
  const v = ctx.values[name];
  return typeof v === "string" ? v : undefined;
}
