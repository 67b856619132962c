// Strict, pure parser for slash commands in PR comments. One command per line; a line is a command when it starts
// with "/word". Anything unexpected is refused with a message that says what to write instead: a command that runs
// must be exactly what the user meant, and no character of a comment ever reaches a shell.
import { didYouMean } from "../config/did-you-mean.js";
import {
  COMMAND_NAMES,
  MAX_REPLICAS_TOKEN,
  MAX_TAIL_TOKEN,
  PREFIX_WORD,
  USAGE,
  type Command,
  type CommandName,
  type Environment,
} from "./grammar.js";
import { invisibleIn, lookAlikeCommand } from "./hostile-lines.js";

export type ParsedLine =
  | { ok: true; line: string; command: Command }
  | {
      ok: false;
      line: string;
      kind: "unknown" | "usage" | "refused";
      message: string;
      suggestion?: CommandName;
      usage?: string;
    };

// A command line: "/word" followed by a space or the end. "/etc/hosts is odd" is prose, not a command.
const COMMAND_LINE = /^\/[A-Za-z][A-Za-z0-9_-]*(?=\s|$)/;
// Words a command takes: names, numbers, SHAs, "--tail". Everything else is refused before looking at meaning.
const TOKEN = /^(?:--)?[A-Za-z0-9][A-Za-z0-9._-]*$/;
const SHELL_META = /[;&|`$<>(){}[\]*?!~'"\\#%^=,]/;
const SERVICE = /^[a-z](?:[a-z0-9_-]{0,28}[a-z0-9])?$/;
const SHA = /^[0-9a-f]{7,40}$/;
const COUNT = /^[0-9]{1,5}$/;
const ENVIRONMENTS: readonly Environment[] = ["staging", "production"];

/** The command lines of a comment: outside fenced code and quotes, trimmed. Cheap: the webhook handler uses it. */
export function commandLines(body: string): string[] {
  const out: string[] = [];
  let fence: string | undefined;
  for (const raw of body.split(/\r?\n/)) {
    const line = raw.trim();
    const marker = /^(`{3,}|~{3,})/.exec(line)?.[1];
    if (marker && (!fence || marker.startsWith(fence))) {
      fence = fence ? undefined : marker;
      continue;
    }
    if (fence || line.startsWith(">")) continue;
    if (COMMAND_LINE.test(line) || lookAlikeCommand(line)) out.push(line);
  }
  return out;
}

export function hasCommandLine(body: string): boolean {
  return commandLines(body).length > 0;
}

export function parseComment(body: string): ParsedLine[] {
  return commandLines(body).map(parseLine);
}

export function parseLine(line: string): ParsedLine {
  const hostile = lookAlikeCommand(line) ?? invisibleIn(line);
  if (hostile) return refused(line, hostile);
  const meta = SHELL_META.exec(line);
  if (meta)
    return refused(line, `contains '${meta[0]}': commands take plain words and numbers only, one command per line`);
  let tokens = line
    .slice(1)
    .split(/[ \t]+/)
    .filter(Boolean);
  if (tokens[0]?.toLowerCase() === PREFIX_WORD) {
    tokens = tokens.slice(1);
    if (tokens.length === 0) return { ok: true, line, command: { name: "help" } };
  }
  const bad = tokens.find((t) => !TOKEN.test(t));
  if (bad !== undefined) return refused(line, `'${bad}' is not a plain word or number`);
  const [word = "", ...args] = tokens;
  const name = COMMAND_NAMES.find((n) => n === word.toLowerCase());
  if (!name) {
    const suggestion = suggest(word);
    return {
      ok: false,
      line,
      kind: "unknown",
      message: `unknown command '/${word}'${suggestion ? ` — did you mean /${suggestion}?` : ""}`,
      ...(suggestion ? { suggestion } : {}),
    };
  }
  const result = parseArgs(name, args);
  if (typeof result === "string")
    return { ok: false, line, kind: "usage", message: `${result}; usage: ${USAGE[name]}`, usage: USAGE[name] };
  return { ok: true, line, command: result };
}

function parseArgs(name: CommandName, args: string[]): Command | string {
  switch (name) {
    case "scale": {
      if (args.length !== 2)
        return `/scale takes a service and a replica count (got ${args.length} argument${args.length === 1 ? "" : "s"})`;
      const [service, count] = args as [string, string];
      if (!SERVICE.test(service)) return `'${service}' is not a service name`;
      if (!COUNT.test(count)) return `'${count}' is not a whole number of replicas`;
      const replicas = Number(count);
      if (replicas < 1 || replicas > MAX_REPLICAS_TOKEN)
        return `replicas must be at least 1 (got ${replicas}); /destroy removes the preview`;
      return { name, service, replicas };
    }
    case "logs": {
      const [service, ...rest] = args;
      if (service === undefined || !SERVICE.test(service))
        return service === undefined ? "/logs needs a service" : `'${service}' is not a service name`;
      if (rest.length === 0) return { name, service };
      if (rest.length !== 2 || rest[0] !== "--tail") return `only '--tail N' may follow the service`;
      if (!COUNT.test(rest[1]!) || Number(rest[1]) < 1 || Number(rest[1]) > MAX_TAIL_TOKEN)
        return `--tail takes a number of lines from 1 to ${MAX_TAIL_TOKEN}`;
      return { name, service, tail: Number(rest[1]) };
    }
    case "deploy": {
      const environment = ENVIRONMENTS.find((e) => e === args[0]);
      if (args.length !== 1 || !environment) return "/deploy takes exactly one environment: staging or production";
      return { name, environment };
    }
    case "rollback": {
      let rest = args;
      const environment = ENVIRONMENTS.find((e) => e === rest[0]);
      if (environment) rest = rest.slice(1);
      if (rest.length > 1) return "/rollback takes at most an environment and one commit SHA";
      if (rest.length === 1 && !SHA.test(rest[0]!))
        return `'${rest[0]}' is not a commit SHA (7 to 40 lower-case hex characters)`;
      return { name, ...(environment ? { environment } : {}), ...(rest[0] ? { sha: rest[0] } : {}) };
    }
    default:
      return args.length === 0 ? ({ name } as Command) : `/${name} takes no arguments (got '${args.join(" ")}')`;
  }
}

// Swapped neighbours ("scael") are the commonest typo; plain edit distance counts them as two edits.
function suggest(word: string): CommandName | undefined {
  const lower = word.toLowerCase();
  for (let i = 0; i + 1 < lower.length; i++) {
    const swapped = lower.slice(0, i) + lower[i + 1] + lower[i] + lower.slice(i + 2);
    const hit = COMMAND_NAMES.find((n) => n === swapped);
    if (hit) return hit;
  }
  return didYouMean(word, COMMAND_NAMES) as CommandName | undefined;
}

function refused(line: string, message: string): ParsedLine {
  return { ok: false, line, kind: "refused", message };
}
