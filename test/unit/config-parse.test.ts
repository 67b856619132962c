import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { formatProblems, parseDeployConfig } from "../../app/core/config/index.js";
import type { ConfigProblem } from "../../app/core/config/types.js";

const fixture = (name: string) => readFileSync(new URL(`../fixtures/configs/${name}`, import.meta.url), "utf8");
const MINIMAL = fixture("minimal.yml");

function problemsOf(text: string, env: Record<string, string> = {}): ConfigProblem[] {
  const { config, problems } = parseDeployConfig("deploy-configs/shop.yml", text, env);
  expect(config).toBeUndefined();
  return problems;
}
const brief = (ps: ConfigProblem[]) => ps.map((p) => `${p.line}:${p.col} ${p.path} ${p.message}`);

describe("parseDeployConfig: a valid file", () => {
  it("fills every documented default", () => {
    const { config, problems } = parseDeployConfig("deploy-configs/shop.yml", MINIMAL, {});
    expect(problems).toEqual([]);
    expect(config).toEqual({
      file: "deploy-configs/shop.yml",
      repository: "acme/shop",
      app: "shop",
      template: "web-service.yml",
      ssh: {
        host: "manager.example.com",
        port: 22,
        user: "deploy",
        privateKeyPath: "/keys/deploy",
        hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGZha2Vfa2V5X2Zvcl90ZXN0cw==",
      },
      routing: {
        mode: "traefik",
        scheme: "https",
        domain: "preview.example.com",
        previewPortBase: 20000,
        probeHost: "manager.example.com",
        traefik: { entrypoint: "websecure", network: "traefik-public" },
      },
      preview: {
        enabled: true,
        healthTimeoutSeconds: 180,
        maxFailedTasks: 3,
        ttlSeconds: 259200,
        maxLive: 0,
        onCap: "refuse",
        attachableNetwork: false,
      },
      quotas: {},
      secrets: {},
      staging: { enabled: true, branch: "main", ciGate: false, healthTimeoutSeconds: 300, maxFailedTasks: 3 },
      production: {
        enabled: true,
        tagPattern: "^v[0-9]+\\.[0-9]+\\.[0-9]+$",
        ciGate: true,
        requireApproval: false,
        healthTimeoutSeconds: 300,
        maxFailedTasks: 3,
      },
      history: { keep: 10 },
      build: { enabled: false, dockerfile: "Dockerfile" },
      services: {
        web: {
          image: "ghcr.io/acme/shop:{{sha}}",
          port: 8080,
          public: true,
          pinned: false,
          replicas: 1,
          maxReplicas: 5,
          healthPath: "/",
          env: {},
          secrets: [],
          resources: { limits: { cpus: 0.5, memory: "256M" }, reservations: { cpus: 0.05, memory: "32M" } },
        },
      },
    });
  });

  it("keeps what the file says and derives maxReplicas and scheme from it", () => {
    const text = MINIMAL.replace(
      "    public: true\n",
      "    public: true\n    replicas: 8\n    resources:\n      limits: { memory: 1G }\n",
    ).replace("routing:\n", "routing:\n  mode: host-port\n  probeHost: 192.0.2.10\n");
    const { config, problems } = parseDeployConfig("f.yml", text, {});
    expect(problems).toEqual([]);
    expect(config?.services.web?.maxReplicas).toBe(8);
    expect(config?.services.web?.resources.limits).toEqual({ cpus: 0.5, memory: "1G" });
    expect(config?.routing).toMatchObject({ mode: "host-port", scheme: "http", probeHost: "192.0.2.10" });
  });

  it("accepts a SHA256 fingerprint as the pinned host key and a multi-service config", () => {
    const { config, problems } = parseDeployConfig("blog.yml", fixture("two-services.yml"), {});
    expect(problems).toEqual([]);
    expect(config?.ssh).toMatchObject({ port: 2200, hostKey: "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=" });
    expect(config?.services.worker).toMatchObject({ replicas: 0, maxReplicas: 5, public: false });
    expect(config?.routing.traefik).toEqual({
      entrypoint: "websecure",
      certResolver: "wildcard",
      network: "traefik-public",
    });
  });
});

describe("parseDeployConfig: problems point at the place to fix", () => {
  it("a typo in a key gets a did-you-mean at the key", () => {
    const text = MINIMAL.replace("    public: true", "    public: true\n    replica: 2");
    expect(brief(problemsOf(text))).toEqual([
      "16:5 /services/web/replica unknown key 'replica' — did you mean 'replicas'?",
    ]);
  });

  it("an unknown key with no near neighbour lists the allowed keys", () => {
    const text = MINIMAL.replace("ssh:\n", "ssh:\n  password: hunter2\n");
    expect(brief(problemsOf(text))).toEqual([
      "5:3 /ssh/password unknown key 'password'; allowed keys: host, port, user, privateKeyPath, hostKey, hosts",
    ]);
  });

  it("an enum names the allowed values", () => {
    const text = MINIMAL.replace("routing:\n", "routing:\n  mode: trafik\n");
    expect(brief(problemsOf(text))).toEqual([
      "10:9 /routing/mode must be one of traefik, host-port, caddy — did you mean 'traefik'?",
    ]);
  });

  it("a number out of range is reported at the value, formatted as file:line:col path: message", () => {
    const problems = problemsOf(MINIMAL.replace("    port: 8080", "    port: 8080\n    replicas: 99"));
    expect(formatProblems(problems)).toBe("deploy-configs/shop.yml:15:15 services.web.replicas: must be ≤ 50");
  });

  it("a quoted number is a type error, not silently coerced", () => {
    expect(brief(problemsOf(MINIMAL.replace("port: 8080", 'port: "8080"')))).toEqual([
      '14:11 /services/web/port must be a whole number, not the text "8080"',
    ]);
  });

  it("patterns are explained in words", () => {
    const text = MINIMAL.replace(/hostKey: .*/, "hostKey: manager.example.com ssh-ed25519 AAAA").replace(
      "app: shop",
      "app: Shop_1",
    );
    expect(brief(problemsOf(text))).toEqual([
      "2:6 /app must be 1-30 lower-case letters, digits or '-', starting with a letter and not ending with '-' (e.g. shop)",
      "8:12 /ssh/hostKey must be '<key type> <base64>' as in known_hosts (e.g. 'ssh-ed25519 AAAAC3Nza…', without host name or comment) or a 'SHA256:<base64>' fingerprint",
    ]);
  });

  it("a template path with a directory is refused", () => {
    expect(brief(problemsOf(MINIMAL.replace("template: web-service.yml", "template: ../../etc/passwd.yml")))).toEqual([
      "3:11 /template must be a plain file name ending in .yml or .yaml, without '/' (e.g. web-service.yml)",
    ]);
  });

  it("a missing required key is reported at its parent's key", () => {
    const text = MINIMAL.replace("  user: deploy\n", "");
    expect(brief(problemsOf(text))).toEqual(["4:1 /ssh missing required key 'user' (SSH user)"]);
  });

  it("a missing top-level key points at the start of the file", () => {
    expect(brief(problemsOf(MINIMAL.replace("repository: acme/shop\n", "")))).toEqual([
      "1:1  missing required key 'repository' (GitHub repository)",
    ]);
  });

  it("bad service names and env keys are reported at the key", () => {
    const text = MINIMAL.replace("  web:\n", "  Web.1:\n").replace(
      "    public: true",
      "    public: true\n    env:\n      1BAD: x\n      GOOD: y",
    );
    expect(brief(problemsOf(text))).toEqual([
      "12:3 /services/Web.1 service names must be 1-30 lower-case letters, digits, '-' or '_', starting with a letter and ending with a letter or digit",
      "17:7 /services/Web.1/env/1BAD environment variable names must be letters, digits and '_', not starting with a digit",
    ]);
  });

  it("env values must be text", () => {
    const text = MINIMAL.replace("    public: true", "    public: true\n    env:\n      DEBUG: true");
    expect(brief(problemsOf(text))).toEqual(["17:14 /services/web/env/DEBUG must be a text value, not boolean true"]);
  });

  it("YAML syntax errors carry line:col", () => {
    const problems = problemsOf(MINIMAL.replace("  user: deploy", "  user: [deploy"));
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]).toMatchObject({ file: "deploy-configs/shop.yml", line: 7, path: "" });
    expect(problems[0]!.message).toMatch(/^YAML syntax: /);
  });

  it("a duplicate key names the key", () => {
    expect(brief(problemsOf(MINIMAL.replace("    port: 8080", "    port: 8080\n    port: 9090")))).toEqual([
      "15:5  duplicate key 'port': each key may appear only once in a mapping; remove or merge one",
    ]);
  });

  it("a file that is not a mapping says what is expected", () => {
    expect(brief(problemsOf("- just\n- a list\n"))).toEqual([
      "1:1  expected a mapping with repository, app, template, ssh, routing and services",
    ]);
    expect(brief(problemsOf(""))).toEqual([
      "1:1  expected a mapping with repository, app, template, ssh, routing and services",
    ]);
  });
});

describe("parseDeployConfig: rules across fields", () => {
  it("exactly one public service: none", () => {
    expect(brief(problemsOf(MINIMAL.replace("    public: true\n", "")))).toEqual([
      "11:1 /services exactly one service must be public: add 'public: true' to the service that receives the URL",
    ]);
  });

  it("exactly one public service: two", () => {
    const text = MINIMAL + "  api:\n    image: api:1\n    port: 9000\n    public: true\n";
    expect(brief(problemsOf(text))).toEqual([
      "15:13 /services/web/public only one service may be public, but web, api are; keep 'public: true' on one",
      "19:13 /services/api/public only one service may be public, but web, api are; keep 'public: true' on one",
    ]);
  });

  it("the public service needs a port", () => {
    expect(brief(problemsOf(MINIMAL.replace("    port: 8080\n", "")))).toEqual([
      "12:3 /services/web the public service needs 'port', the container port it listens on (Traefik routes to it)",
    ]);
  });

  it("maxReplicas below replicas", () => {
    expect(
      brief(problemsOf(MINIMAL.replace("    port: 8080", "    port: 8080\n    replicas: 4\n    maxReplicas: 2"))),
    ).toEqual(["16:18 /services/web/maxReplicas must be ≥ replicas (4)"]);
  });

  it("a reservation above the limit points at the reservation when written", () => {
    const text = MINIMAL.replace(
      "    port: 8080",
      "    port: 8080\n    resources:\n      limits: { cpus: 0.25, memory: 64M }\n      reservations: { cpus: 0.5, memory: 128M }",
    );
    expect(brief(problemsOf(text))).toEqual([
      "17:29 /services/web/resources/reservations/cpus CPU reservation 0.5 exceeds the limit 0.25; lower the reservation or raise the limit",
      "17:42 /services/web/resources/reservations/memory memory reservation 128M exceeds the limit 64M; lower the reservation or raise the limit",
    ]);
  });

  it("a default reservation above a written limit points at the limit", () => {
    const text = MINIMAL.replace("    port: 8080", "    port: 8080\n    resources:\n      limits: { memory: 16M }");
    expect(brief(problemsOf(text))).toEqual([
      "16:25 /services/web/resources/limits/memory memory reservation 32M exceeds the limit 16M; lower the reservation or raise the limit",
    ]);
  });

  it("refuses names that would exceed Swarm's 63 characters", () => {
    const app = "a".repeat(30);
    const service = "s".repeat(30);
    const text = MINIMAL.replace("app: shop", `app: ${app}`).replace("  web:", `  ${service}:`);
    expect(brief(problemsOf(text))).toEqual([
      `12:3 /services/${service} Swarm service name ${app}-pr-99999_${service} would be 70 characters (limit 63); shorten 'app' or this service's name`,
    ]);
  });

  it("unknown {{variables}} in image and env values are caught before any deploy", () => {
    const text = MINIMAL.replace("{{sha}}", "{{commit}}").replace(
      "    public: true",
      '    public: true\n    env:\n      URL: "{{url}}/{{ branch }}"',
    );
    expect(brief(problemsOf(text)).map((p) => p.replace(/; known: .*/, ""))).toEqual([
      "13:12 /services/web/image unknown variable {{commit}}",
      "17:12 /services/web/env/URL unknown variable {{branch}}",
    ]);
  });
});
