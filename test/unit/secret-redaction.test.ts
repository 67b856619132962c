// Secret values never leave the process: the logger blacks them out in the finished line (any field, any error
// message, JSON-escaped or not), and every GitHubReporter method — including ones added later — sends redacted
// arguments.
import { describe, expect, it } from "vitest";
import { createLogger } from "../../app/main/logger.js";
import { KnownSecrets } from "../../app/adapters/secrets/known-secrets.js";
import { redactingReporter } from "../../app/adapters/github/redacting-reporter.js";
import { createSecretSource } from "../../app/adapters/secrets/env-file-secrets.js";
import type { DeployConfig } from "../../app/core/config/types.js";
import { FinalError } from "../../app/errors.js";

const SECRET = 's3cret-"quoted"-value';

function captured(known: KnownSecrets) {
  const lines: string[] = [];
  return { log: createLogger("info", known, { write: (l: string) => lines.push(l) }), lines };
}

describe("logger redaction", () => {
  it("hides a known value in messages, fields and errors, including its JSON-escaped form", () => {
    const known = new KnownSecrets();
    known.add(SECRET);
    const { log, lines } = captured(known);
    log.info({ detail: `token=${SECRET}` }, `deploying with ${SECRET}`);
    log.error({ err: new Error(`docker said: No such image: x:${SECRET}`) }, "failed");
    const text = lines.join("");
    expect(text).not.toContain("s3cret-");
    expect(text.match(/\[redacted\]/g)?.length).toBeGreaterThanOrEqual(3);
  });

  it("hides values learnt after the logger was made (secrets are read per job)", () => {
    const known = new KnownSecrets();
    const { log, lines } = captured(known);
    known.add("late-secret-value\n");
    log.info("value late-secret-value here");
    expect(lines.join("")).toContain("value [redacted] here");
  });
});

describe("reporter redaction", () => {
  it("redacts every string argument of every method, present and future", async () => {
    const known = new KnownSecrets();
    known.add(SECRET);
    const calls: unknown[][] = [];
    const inner = {
      createCheckRun: async (...args: unknown[]) => (calls.push(args), { id: 1, url: "u" }),
      someMethodAddedLater: async (...args: unknown[]) => void calls.push(args),
    };
    const reporter = redactingReporter(inner, known);
    await reporter.createCheckRun(
      { owner: "a", repo: "b" },
      "Berth / preview",
      "sha",
      { status: "completed", title: "t", summary: `x ${SECRET} y`, text: SECRET },
      "job",
    );
    await reporter.someMethodAddedLater({ owner: "a", repo: "b" }, 12, `/approve by ${SECRET}`);
    expect(JSON.stringify(calls)).not.toContain("s3cret-");
    expect(calls[0]![3]).toEqual({ status: "completed", title: "t", summary: "x [redacted] y", text: "[redacted]" });
    expect(calls[1]).toEqual([{ owner: "a", repo: "b" }, 12, "/approve by [redacted]"]);
  });
});

describe("secret source", () => {
  const config = (secrets: DeployConfig["secrets"]) => ({ file: "deploy-configs/x.yml", secrets }) as DeployConfig;

  it("reads the bot's environment and remembers the value for redaction", async () => {
    const known = new KnownSecrets();
    const source = createSecretSource({ variables: { TOKEN: "value-from-env" }, known });
    expect(await source.valuesFor(config({ api: { env: "TOKEN" } }))).toEqual({ api: "value-from-env" });
    expect(known.values()).toContain("value-from-env");
  });

  it("says what to fix when the variable is unset or the value too short to redact", async () => {
    const source = createSecretSource({ variables: { SHORT: "abc" }, known: new KnownSecrets() });
    await expect(source.valuesFor(config({ api: { env: "MISSING" } }))).rejects.toThrow(
      new FinalError(
        "secret 'api' (deploy-configs/x.yml): MISSING is not set in the bot's environment; set it and redeploy",
      ),
    );
    await expect(source.valuesFor(config({ api: { env: "SHORT" } }))).rejects.toThrow(/shorter than 6 characters/);
  });
});
