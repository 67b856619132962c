// Pure policy parts: quotas (refused with the numbers, at render), secrets in the rendered stack, content-hashed
// secret names, branch-name labels, the new config keys with their defaults and errors.
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { parseDeployConfig } from "../../app/core/config/index.js";
import type { DeployConfig } from "../../app/core/config/types.js";
import { previewEnvironment, stagingEnvironment } from "../../app/core/environment.js";
import { renderStack } from "../../app/core/render/index.js";
import { quotaProblems, servicesUsage, totalUsage } from "../../app/core/policy/quotas.js";
import { refLabel } from "../../app/core/policy/ref-label.js";
import { secretSwarmName } from "../../app/core/secret-names.js";
import { ConfigError } from "../../app/errors.js";

const root = new URL("../../", import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), "utf8");
const SHA = "0123456789abcdef0123456789abcdef01234567";
const ENV = {
  BERTH_SSH_HOST: "127.0.0.1",
  BERTH_SSH_PORT: "2222",
  BERTH_SSH_USER: "berth",
  BERTH_SSH_KEY_PATH: "/keys/id",
  BERTH_SSH_HOST_KEY: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHRlc3Q=",
};
const TEMPLATE = read("templates/web-service.yml");
const parseShop = (extra: string, edit: (t: string) => string = (t) => t) =>
  parseDeployConfig("deploy-configs/shop.yml", `${edit(read("deploy-configs/shop.yml"))}\n${extra}`, ENV);
const shop = (extra = "", edit?: (t: string) => string): DeployConfig => {
  const parsed = parseShop(extra, edit);
  expect(parsed.problems).toEqual([]);
  return parsed.config!;
};
const render = (config: DeployConfig, more: Partial<Parameters<typeof renderStack>[0]> = {}) =>
  renderStack({
    config,
    templateFile: "templates/web-service.yml",
    templateText: TEMPLATE,
    environment: previewEnvironment("shop", 601),
    sha: SHA,
    ...more,
  });
function refusal(run: () => unknown): ConfigError {
  try {
    run();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error("expected a ConfigError");
}

describe("config: preview policies, quotas and secrets keys", () => {
  it("fills the documented defaults", () => {
    const c = shop();
    expect(c.preview).toMatchObject({ ttlSeconds: 259200, maxLive: 0, onCap: "refuse", attachableNetwork: false });
    expect(c.quotas).toEqual({});
    expect(c.secrets).toEqual({});
    expect(c.services.web!.secrets).toEqual([]);
  });

  it("refuses a mount of an undeclared secret, and a secret with both env and file", () => {
    const undeclared = parseShop("", (t) =>
      t.replace("    replicas: 1\n", "    replicas: 1\n    secrets: [db_password]\n"),
    );
    expect(undeclared.problems.map((p) => p.message)).toEqual([
      expect.stringContaining("secret 'db_password' is not declared under the top-level 'secrets'"),
    ]);
    const both = parseShop("secrets:\n  db_password: { env: SHOP_DB, file: /run/x }\n");
    expect(both.problems).toHaveLength(1);
    expect(both.problems[0]!.path).toBe("/secrets/db_password");
  });

  it("refuses an unknown onCap and a negative cap with the allowed values", () => {
    const bad = parseShop("", (t) =>
      t.replace("  maxFailedTasks: 3\n", "  maxFailedTasks: 3\n  onCap: evict\n  maxLive: -1\n"),
    );
    const text = bad.problems.map((p) => `${p.path} ${p.message}`).join("\n");
    expect(text).toMatch(/\/preview\/onCap .*refuse.*evict-lru/);
    expect(text).toMatch(/\/preview\/maxLive .*0/);
  });
});

describe("quotas", () => {
  const asks4 = (t: string) => t.replace("limits: { cpus: 0.5, memory: 64M }", "limits: { cpus: 4, memory: 64M }");

  it("a config asking 4 CPUs where the preview quota is 1 is refused when validated, at the quota's line, with the numbers", () => {
    const parsed = parseShop("quotas:\n  preview: { cpus: 1 }\n", asks4);
    expect(parsed.config).toBeUndefined();
    expect(parsed.problems).toEqual([
      {
        file: "deploy-configs/shop.yml",
        line: parsed.problems[0]!.line,
        col: parsed.problems[0]!.col,
        path: "/quotas/preview/cpus",
        message:
          "web asks 4 CPUs of CPU limit (web 4 CPUs × 1 replica); the preview quota is 1 CPU. Lower the service's resources or replicas, or raise quotas.preview.cpus",
      },
    ]);
    expect(parsed.problems[0]!.line).toBeGreaterThan(30); // the appended quotas block, not line 1
  });

  it("the same is refused at render (a config changed since validation, a /scale, a rollback)", () => {
    const config = shop();
    config.quotas = { preview: { cpus: 1 } };
    config.services.web!.resources.limits.cpus = 4;
    const err = refusal(() => render(config));
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0]).toMatchObject({ path: "/quotas/preview/cpus" });
    expect(err.problems[0]!.message).toBe(
      "web asks 4 CPUs of CPU limit (web 4 CPUs × 1 replica); the preview quota is 1 CPU. Lower the service's resources or replicas, or raise quotas.preview.cpus",
    );
  });

  it("counts replicas (a /scale goes through the same check) and every measure", () => {
    const config = shop(
      "quotas:\n  preview: { cpus: 1, memory: 128M, reservedMemory: 40M, maxReplicas: 2, maxTotalReplicas: 2 }\n",
    );
    expect(() => render(config, { replicas: { web: 2 } })).not.toThrow(); // 2 × 0.5 CPU, 2 × 64M, 2 × 16M
    const err = refusal(() => render(config, { replicas: { web: 3 } }));
    expect(err.problems.map((p) => p.message)).toEqual([
      "web asks 1.5 CPUs of CPU limit (web 0.5 CPUs × 3 replicas); the preview quota is 1 CPU. Lower the service's resources or replicas, or raise quotas.preview.cpus",
      "web asks 192M of memory limit (web 64M × 3 replicas); the preview quota is 128M. Lower the service's resources or replicas, or raise quotas.preview.memory",
      "web asks 48M of memory reservation (web 16M × 3 replicas); the preview quota is 40M. Lower the service's resources or replicas, or raise quotas.preview.reservedMemory",
      "web asks 3 replicas; the preview quota allows at most 2 per service",
      "this environment would run 3 tasks; the preview quota allows at most 2",
    ]);
  });

  it("applies the kind's own quota: a staging stack is not bound by the preview quota", () => {
    const config = shop();
    config.quotas = { preview: { cpus: 0.1 }, staging: { cpus: 1 } };
    expect(() =>
      renderStack({
        config,
        templateFile: "t.yml",
        templateText: TEMPLATE,
        environment: stagingEnvironment("shop"),
        sha: SHA,
      }),
    ).not.toThrow();
    expect(refusal(() => render(config)).problems[0]!.path).toBe("/quotas/preview/cpus");
  });

  it("the repository quota adds what the other live environments use", () => {
    const config = shop("quotas:\n  repository: { cpus: 1.2 }\n");
    expect(() =>
      render(config, {
        otherUsage: { cpus: 0.5, memoryBytes: 0, reservedCpus: 0, reservedMemoryBytes: 0, replicas: 1 },
      }),
    ).not.toThrow();
    const err = refusal(() =>
      render(config, { otherUsage: { cpus: 1, memoryBytes: 0, reservedCpus: 0, reservedMemoryBytes: 0, replicas: 2 } }),
    );
    expect(err.problems[0]!.message).toBe(
      "web asks 0.5 CPUs of CPU limit (web 0.5 CPUs × 1 replica) on top of 1 CPU used by its other live environments; the repository quota is 1.2 CPUs. Lower the service's resources or replicas, or raise quotas.repository.cpus",
    );
    expect(() => render(config)).not.toThrow(); // without the Swarm's picture the repository quota is not judged
  });

  it("sums limit × replicas over services", () => {
    const usage = totalUsage(servicesUsage(shop(), { web: 3 }));
    expect(usage).toEqual({
      cpus: 1.5,
      memoryBytes: 3 * 64 * 1024 ** 2,
      reservedCpus: 0.15,
      reservedMemoryBytes: 3 * 16 * 1024 ** 2,
      replicas: 3,
    });
    expect(quotaProblems(servicesUsage(shop(), {}), undefined, "preview")).toEqual([]);
  });
});

describe("secrets in the rendered stack", () => {
  const withSecret = () =>
    shop("secrets:\n  db_password: { env: SHOP_DB_PASSWORD }\n", (t) =>
      t.replace("    replicas: 1\n", "    replicas: 1\n    secrets: [db_password]\n"),
    );

  it("mounts an external secret by its content-hashed name; the YAML never holds a value", () => {
    const name = secretSwarmName("shop-pr-601", "db_password", "hunter2-value");
    const rendered = render(withSecret(), { secrets: { db_password: name } });
    const compose = parse(rendered.yaml);
    expect(compose.secrets).toEqual({ db_password: { external: true, name } });
    expect(compose.services.web.secrets).toEqual([{ source: "db_password", target: "db_password", mode: 0o400 }]);
    expect(rendered.yaml).not.toContain("hunter2-value");
  });

  it("names are stable per value, change with it, and fit Swarm's 64 characters", () => {
    const a = secretSwarmName("shop-pr-601", "db_password", "one-value");
    expect(a).toMatch(/^shop-pr-601_db_password_[0-9a-f]{10}$/);
    expect(secretSwarmName("shop-pr-601", "db_password", "one-value")).toBe(a);
    expect(secretSwarmName("shop-pr-601", "db_password", "two-value")).not.toBe(a);
    const long = parseShop("secrets:\n  a_very_long_secret_n: { env: X }\n", (t) =>
      t.replace("app: shop", "app: a-thirty-character-app-name-x"),
    );
    expect(long.problems.map((p) => p.message)).toContainEqual(
      expect.stringMatching(/would be named with \d+ characters \(limit 64\)/),
    );
  });

  it("renders no secrets when none were created (CLI render)", () => {
    expect(parse(render(withSecret()).yaml).secrets).toBeUndefined();
  });
});

describe("isolation in the rendered stack", () => {
  it("the stack's own network is attachable only when the config says", () => {
    expect(parse(render(shop()).yaml).networks.berth).toMatchObject({
      driver: "overlay",
      attachable: false,
      labels: { "berth.repository": "acme/shop", "berth.environment": "pr-601" },
    });
    const open = shop("", (t) =>
      t.replace("  maxFailedTasks: 3\n", "  maxFailedTasks: 3\n  attachableNetwork: true\n"),
    );
    expect(parse(render(open).yaml).networks.berth.attachable).toBe(true);
  });
});

describe("branch names as labels", () => {
  it("keeps ordinary branch names as they are", () => {
    expect(refLabel("feature/login-form")).toBe("feature/login-form");
    expect(refLabel("refs/heads/fix_1.2")).toBe("fix_1.2");
  });

  it("replaces metacharacters and bounds the length, with a hash so distinct refs stay distinct", () => {
    const evil = refLabel('x"; rm -rf / #\n$(curl evil)`');
    expect(evil).toMatch(/^[A-Za-z0-9._/-]+$/);
    expect(evil).toMatch(/-[0-9a-f]{8}$/);
    const long1 = refLabel(`${"a".repeat(300)}1`);
    const long2 = refLabel(`${"a".repeat(300)}2`);
    expect(long1.length).toBeLessThanOrEqual(63);
    expect(long1).not.toBe(long2);
    expect(refLabel("---")).toBe("unnamed");
    expect(refLabel("ｆｕｌｌｗｉｄｔｈ")).toMatch(/^fullwidth-[0-9a-f]{8}$/);
  });

  it("is rendered as berth.ref only, never into a name", () => {
    const rendered = render(shop(), { ref: "evil name;with spaces" });
    const web = parse(rendered.yaml).services.web;
    expect(web.deploy.labels["berth.ref"]).toMatch(/^evil-name-with-spaces-[0-9a-f]{8}$/);
    expect(rendered.stack).toBe("shop-pr-601");
  });
});
