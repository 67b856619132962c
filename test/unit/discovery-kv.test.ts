// {{kv.<name>}} in templates and config values (values the job read from the registry's KV store), the Consul
// mapping of registry entries, and the reconciliation plan's content comparison.
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { parseDeployConfig } from "../../app/core/config/index.js";
import type { DeployConfig } from "../../app/core/config/types.js";
import { previewEnvironment } from "../../app/core/environment.js";
import { renderStack } from "../../app/core/render/index.js";
import { kvReferences, substituteVariables, unknownVariables } from "../../app/core/render/variables.js";
import { ConfigError } from "../../app/errors.js";
import { isSettled, reconcilePlan, registryEntries } from "../../app/core/discovery/entries.js";
import { consulRegistration, entryFromConsul } from "../../app/core/discovery/consul-service.js";
import { referencesKv } from "../../app/jobs/kv-values.js";

const root = new URL("../../", import.meta.url);
const SHOP = readFileSync(new URL("deploy-configs/shop.yml", root), "utf8");
const WEB_TEMPLATE = readFileSync(new URL("templates/web-service.yml", root), "utf8");
const SHA = "0123456789abcdef0123456789abcdef01234567";
const ENV = {
  BERTH_SSH_HOST: "127.0.0.1",
  BERTH_SSH_USER: "berth",
  BERTH_SSH_KEY_PATH: "/keys/id",
  BERTH_SSH_HOST_KEY: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHRlc3Q=",
};
const PREFIX = "berth/acme/shop/pr-3/";

function shop(edit: (t: string) => string = (t) => t): DeployConfig {
  const { config, problems } = parseDeployConfig("deploy-configs/shop.yml", edit(SHOP), ENV);
  expect(problems).toEqual([]);
  return config!;
}
const render = (config: DeployConfig, templateText: string, values?: Record<string, string>) =>
  renderStack({
    config,
    templateFile: "templates/web-service.yml",
    templateText,
    environment: previewEnvironment("shop", 3),
    sha: SHA,
    ...(values ? { kv: { prefix: PREFIX, values, backend: "etcd" } } : {}),
  });
function renderError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error("expected a ConfigError");
}
// The template with one environment entry reading the registry: line 49 of the file, under services.web.
const KV_TEMPLATE = WEB_TEMPLATE.replace(
  "    stop_grace_period: 10s",
  '    environment:\n      - "DB_URL=postgres://{{kv.db/host}}:5432/{{app}}"\n    stop_grace_period: 10s',
);
const kvLine = KV_TEMPLATE.split("\n").findIndex((l) => l.includes("{{kv.db/host}}")) + 1;

describe("{{kv.<name>}} substitution", () => {
  const kv = { prefix: PREFIX, values: { DB_HOST: "db.internal", "db/host": "pg.internal" }, backend: "consul" };

  it("substitutes a value present under berth/<repository>/<environment>/", () => {
    expect(substituteVariables("{{ kv.DB_HOST }}:{{kv.db/host}}", {}, () => "", kv)).toEqual({
      text: "db.internal:pg.internal",
      problems: [],
    });
  });

  it("names the full key and the backend when it is missing", () => {
    expect(substituteVariables("x={{kv.MISSING}}", {}, () => "", kv).problems).toEqual([
      "{{kv.MISSING}}: key berth/acme/shop/pr-3/MISSING is not in the consul KV store; put it there or remove the reference",
    ]);
  });

  it("says a registry must be configured when no values were read", () => {
    expect(substituteVariables("{{kv.DB_HOST}}", {}, () => "").problems).toEqual([
      "{{kv.DB_HOST}} reads the service registry's KV store, but this Berth has none; set BERTH_DISCOVERY (etcd or consul)",
    ]);
  });

  it("refuses names that could leave the environment's prefix", () => {
    for (const name of ["../other/SECRET", "/abs", "a//b", "", "sp ace"])
      expect(substituteVariables(`{{kv.${name}}}`, {}, () => "", kv).problems[0]).toMatch(/a KV name is letters/);
  });

  it("is neither an unknown variable nor missed by the reference scan", () => {
    expect(unknownVariables("{{kv.X}} {{nope}}")).toEqual(["nope"]);
    expect(kvReferences("{{kv.A}} {{sha}} {{ kv.b/c }}")).toEqual(["A", "b/c"]);
  });
});

describe("renderStack with {{kv.…}} values", () => {
  it("puts the values into the stack", () => {
    const yaml = render(shop(), KV_TEMPLATE, { "db/host": "pg.internal" }).yaml;
    expect(
      (parse(yaml) as { services: { web: { environment: Record<string, string> } } }).services.web.environment,
    ).toMatchObject({ DB_URL: "postgres://pg.internal:5432/shop" });
  });

  it("a key missing in a template is a config error at the template's file:line naming the key", () => {
    const err = renderError(() => render(shop(), KV_TEMPLATE, {}));
    expect(err.problems).toEqual([
      {
        file: "templates/web-service.yml",
        line: kvLine,
        col: 9,
        path: "/services/web/environment/0",
        message:
          "{{kv.db/host}}: key berth/acme/shop/pr-3/db/host is not in the etcd KV store; put it there or remove the reference",
      },
    ]);
  });

  it("a key missing in a config value is reported at the config's file:line", () => {
    const config = shop((t) =>
      t.replace("    healthPath: /healthz", "    healthPath: /healthz\n    env:\n      API_KEY: '{{kv.api-key}}'"),
    );
    const line = SHOP.split("\n").findIndex((l) => l.includes("healthPath: /healthz")) + 3;
    expect(config.valuesAt).toEqual({ "/services/web/env/API_KEY": { line, col: 16 } });
    const err = renderError(() => render(config, WEB_TEMPLATE, { other: "x" }));
    expect(err.problems).toEqual([
      {
        file: "deploy-configs/shop.yml",
        line,
        col: 16,
        path: "/services/web/env/API_KEY",
        message:
          "{{kv.api-key}}: key berth/acme/shop/pr-3/api-key is not in the etcd KV store; put it there or remove the reference",
      },
    ]);
    expect(render(config, WEB_TEMPLATE, { "api-key": "k-123" }).yaml).toContain("API_KEY: k-123");
    expect(referencesKv(config, WEB_TEMPLATE)).toBe(true);
    // The template's comments mention {{kv.<name>}}; only its values count.
    expect(WEB_TEMPLATE).toContain("{{kv.<name>}}");
    expect(referencesKv(shop(), WEB_TEMPLATE)).toBe(false);
    expect(referencesKv(shop(), KV_TEMPLATE)).toBe(true);
  });

  it("a malformed name in a config is a parse problem at its line", () => {
    const { problems } = parseDeployConfig(
      "deploy-configs/shop.yml",
      SHOP.replace("    healthPath: /healthz", "    healthPath: /healthz\n    env:\n      X: '{{kv.../up}}'"),
      ENV,
    );
    expect(problems.map((p) => [p.path, p.message])).toEqual([
      [
        "/services/web/env/X",
        "{{kv.../up}}: a KV name is letters, digits, '.', '_' and '-', with '/' between segments (no '.' or '..' segment)",
      ],
    ]);
    expect(problems[0]!.line).toBeGreaterThan(1);
  });
});

describe("registry entries in Consul", () => {
  const config = shop();
  const [entry] = registryEntries({
    config,
    stack: "shop-pr-3",
    environment: "pr-3",
    sha: SHA,
    url: "http://shop-pr-3.preview.localhost",
    services: ["web"],
  });

  it("registers with an HTTP check at the service and the check kept in Meta", () => {
    expect(consulRegistration(entry!)).toEqual({
      ID: "shop-pr-3_web",
      Name: "shop-web",
      Address: "shop-pr-3_web",
      Port: 8080,
      Tags: ["berth", "pr-3", "shop", "public"],
      Meta: {
        repository: "acme/shop",
        environment: "pr-3",
        sha: SHA,
        url: "http://shop-pr-3.preview.localhost",
        stack: "shop-pr-3",
        service: "web",
        check_http: "http://shop-pr-3_web:8080/healthz",
        check_interval: "10s",
        check_timeout: "5s",
      },
      Check: {
        HTTP: "http://shop-pr-3_web:8080/healthz",
        Interval: "10s",
        Timeout: "5s",
        DeregisterCriticalServiceAfter: "30m",
      },
    });
  });

  it("reads back the same entry, and ignores services Berth did not register", () => {
    const r = consulRegistration(entry!);
    const back = { id: r.ID, name: r.Name, address: r.Address, port: r.Port ?? 0, tags: r.Tags, meta: r.Meta };
    expect(entryFromConsul(back)).toEqual(entry);
    expect(entryFromConsul({ ...back, tags: ["web"] })).toBeUndefined();
    expect(entryFromConsul({ ...back, meta: { service: "web" } })).toBeUndefined();
  });

  it("the reconciliation plan compares content, not key order", () => {
    const reordered = JSON.parse(JSON.stringify({ ...entry!, meta: { ...entry!.meta } }));
    const shuffled = Object.fromEntries(Object.entries(reordered).reverse()) as unknown as typeof entry;
    expect(reconcilePlan([entry!], [shuffled!])).toEqual({ register: [], remove: [] });
    expect(reconcilePlan([entry!], [{ ...entry!, meta: { ...entry!.meta, sha: "f".repeat(40) } }]).register).toEqual([
      entry,
    ]);
  });
});

describe("isSettled: what the reconciliation pass may register", () => {
  const svc = (running: number, desired: number, updateState?: string) => ({
    service: "web",
    fullName: "s_web",
    image: "x",
    running,
    desired,
    ...(updateState ? { updateState } : {}),
  });
  it("every service at its desired tasks with no update under way", () => {
    expect(isSettled([svc(1, 1), svc(2, 2, "completed")])).toBe(true);
    expect(isSettled([svc(1, 1, "rollback_completed")])).toBe(true);
  });
  it("not while converging, updating, paused or rolling back, nor for a stack without services", () => {
    expect(isSettled([svc(1, 1), svc(0, 1)])).toBe(false);
    for (const state of ["updating", "paused", "rollback_started", "rollback_paused"])
      expect(isSettled([svc(1, 1, state)])).toBe(false);
    expect(isSettled([])).toBe(false);
  });
});
