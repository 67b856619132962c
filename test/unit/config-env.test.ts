import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseDeployConfig } from "../../app/core/config/index.js";
import { interpolate } from "../../app/core/config/interpolate.js";

const MINIMAL = readFileSync(new URL("../fixtures/configs/minimal.yml", import.meta.url), "utf8");

describe("interpolate", () => {
  it("replaces ${NAME} and ${NAME:-default} with compose semantics", () => {
    const vars = { HOST: "m1", EMPTY: "" };
    expect(interpolate("${HOST}:${PORT:-22}", vars)).toEqual({ text: "m1:22", missing: [] });
    expect(interpolate("${EMPTY:-fallback}", vars)).toEqual({ text: "fallback", missing: [] });
    expect(interpolate("${HOST:-}", {})).toEqual({ text: "", missing: [] });
    expect(interpolate("a${EMPTY}b", vars)).toEqual({ text: "ab", missing: [] });
  });

  it("$$ is a literal $ and lower-case names are not variables", () => {
    expect(interpolate("$${HOST} ${home} $5 $HOST", { HOST: "m1" })).toEqual({
      text: "${HOST} ${home} $5 $HOST",
      missing: [],
    });
  });

  it("reports every unset name", () => {
    expect(interpolate("${A}/${B}/${A}", {}).missing).toEqual(["A", "B", "A"]);
  });

  it("does not substitute twice: a value that looks like a reference stays as it is", () => {
    expect(interpolate("${A}", { A: "${B}", B: "secret" }).text).toBe("${B}");
  });
});

describe("parseDeployConfig with variables", () => {
  const text = MINIMAL.replace(
    "  host: manager.example.com",
    "  host: ${BERTH_SSH_HOST}\n  port: ${BERTH_SSH_PORT:-22}",
  ).replace(/hostKey: .*/, "hostKey: ${BERTH_SSH_HOST_KEY}");
  const key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHRlc3Q=";

  it("substitutes before validation, and a plain number-valued reference becomes a number", () => {
    const { config, problems } = parseDeployConfig("f.yml", text, {
      BERTH_SSH_HOST: "127.0.0.1",
      BERTH_SSH_PORT: "2222",
      BERTH_SSH_HOST_KEY: key,
    });
    expect(problems).toEqual([]);
    expect(config?.ssh).toMatchObject({ host: "127.0.0.1", port: 2222, hostKey: key });
    expect(config?.routing.probeHost).toBe("127.0.0.1");
  });

  it("uses the default when the variable is unset", () => {
    const { config } = parseDeployConfig("f.yml", text, { BERTH_SSH_HOST: "h", BERTH_SSH_HOST_KEY: key });
    expect(config?.ssh.port).toBe(22);
  });

  it("a quoted reference stays text, so the schema says so", () => {
    const quoted = text.replace("port: ${BERTH_SSH_PORT:-22}", 'port: "${BERTH_SSH_PORT:-22}"');
    const { problems } = parseDeployConfig("f.yml", quoted, { BERTH_SSH_HOST: "h", BERTH_SSH_HOST_KEY: key });
    expect(problems.map((p) => `${p.line}:${p.col} ${p.message}`)).toEqual([
      '6:9 must be a whole number, not the text "22"',
    ]);
  });

  it("an unset variable is a problem at its scalar, and the schema does not repeat it", () => {
    const { config, problems } = parseDeployConfig("f.yml", text.replace("replicas", "x"), { BERTH_SSH_PORT: "2222" });
    expect(config).toBeUndefined();
    expect(problems.map((p) => `${p.line}:${p.col} ${p.path} ${p.message}`)).toEqual([
      "5:9 /ssh/host environment variable BERTH_SSH_HOST is not set; set it in the bot's environment or write the value here",
      "9:12 /ssh/hostKey environment variable BERTH_SSH_HOST_KEY is not set; set it in the bot's environment or write the value here",
    ]);
  });

  it("unset variables and other mistakes are reported in one pass", () => {
    const { problems } = parseDeployConfig("f.yml", text.replace("app: shop", "app: SHOP"), { BERTH_SSH_HOST: "h" });
    expect(problems.map((p) => p.path)).toEqual(["/app", "/ssh/hostKey"]);
  });

  it("a variable's value cannot change the file's structure", () => {
    const hostile = "evil\nrepository: attacker/repo\nservices: {}";
    const { config, problems } = parseDeployConfig("f.yml", text, { BERTH_SSH_HOST: hostile, BERTH_SSH_HOST_KEY: key });
    expect(config).toBeUndefined();
    expect(problems.map((p) => `${p.line}:${p.col} ${p.path}`)).toEqual(["5:9 /ssh/host"]);
  });

  it("keys are never substituted", () => {
    const { problems } = parseDeployConfig(
      "f.yml",
      MINIMAL.replace("    public: true", "    public: true\n    env:\n      ${NAME}: x"),
      { NAME: "GOOD" },
    );
    expect(problems.map((p) => p.path)).toEqual(["/services/web/env/${NAME}"]);
  });
});
