// The runner's side of a JavaScript action, without @actions/core: inputs arrive as INPUT_<NAME> variables, outputs
// are appended to the file $GITHUB_OUTPUT names, annotations and masks are workflow commands on stdout.
// https://docs.github.com/actions/reference/workflow-commands-for-github-actions
import { appendFileSync, readFileSync } from "node:fs";
import { randomBytes } from "node:crypto";

export type Env = Record<string, string | undefined>;

/** `with: { config-dir: x }` arrives as INPUT_CONFIG-DIR (upper-cased, spaces to _, hyphens kept). */
export function input(env: Env, name: string, fallback = ""): string {
  const v = env[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`];
  return v === undefined || v.trim() === "" ? fallback : v.trim();
}

export function setOutput(env: Env, name: string, value: string, print: (line: string) => void): void {
  const file = env.GITHUB_OUTPUT;
  if (!file) {
    // Outside a runner (a local try-out): show what the step would output.
    print(`output ${name}=${value}`);
    return;
  }
  const delimiter = `berth_${randomBytes(8).toString("hex")}`;
  appendFileSync(file, `${name}<<${delimiter}\n${value}\n${delimiter}\n`);
}

export function appendSummary(env: Env, markdown: string): void {
  if (env.GITHUB_STEP_SUMMARY) appendFileSync(env.GITHUB_STEP_SUMMARY, `${markdown}\n`);
}

const escapeData = (s: string) => s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
const escapeProperty = (s: string) => escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");

export interface AnnotationPlace {
  file?: string;
  line?: number;
  col?: number;
  title?: string;
}

/** `::error file=…,line=…,col=…,title=…::message`: shown on the PR's diff at that place. */
export function annotation(level: "error" | "warning" | "notice", message: string, at: AnnotationPlace = {}): string {
  const props = [
    at.file !== undefined ? `file=${escapeProperty(at.file)}` : "",
    at.line !== undefined ? `line=${at.line}` : "",
    at.col !== undefined ? `col=${at.col}` : "",
    at.title !== undefined ? `title=${escapeProperty(at.title)}` : "",
  ].filter(Boolean);
  return `::${level}${props.length ? ` ${props.join(",")}` : ""}::${escapeData(message)}`;
}

/** The runner replaces the value with *** in every later log line. */
export function maskCommand(value: string): string {
  return `::add-mask::${escapeData(value)}`;
}

/** The pull request number and head commit when the workflow runs for a pull_request event. */
export function pullRequestOfEvent(env: Env): { pr?: number; headSha?: string } {
  if (!env.GITHUB_EVENT_PATH) return {};
  try {
    const event = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, "utf8")) as {
      pull_request?: { number?: number; head?: { sha?: string } };
    };
    return { pr: event.pull_request?.number, headSha: event.pull_request?.head?.sha };
  } catch {
    return {};
  }
}

/** `variables` input: NAME=value lines that feed ${NAME} in deploy configs, on top of the step's environment. */
export function variablesInput(env: Env): Env {
  const extra: Env = {};
  for (const line of input(env, "variables").split("\n")) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (m) extra[m[1]!] = m[2]!;
  }
  return { ...env, ...extra };
}
