import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { parseDeployConfig } from "../../app/core/config/index.js";
import type { DeployConfig } from "../../app/core/config/types.js";
import { previewEnvironment, productionEnvironment, stagingEnvironment } from "../../app/core/environment.js";
import { renderStack, validateTraefikLabels } from "../../app/core/render/index.js";
import { ConfigError, FinalError } from "../../app/errors.js";

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
const WEB_TEMPLATE = read("templates/web-service.yml");
const BLOG_TEMPLATE = read("test/fixtures/configs/two-services.template.yml");

function config(file: string, text: string, env: Record<string, string> = ENV): DeployConfig {
  const { config, problems } = parseDeployConfig(file, text, env);
  expect(problems).toEqual([]);
  return config!;
}
const shop = (edit: (t: string) => string = (t) => t) =>
  config("deploy-configs/shop.yml", edit(read("deploy-configs/shop.yml")));
const blog = (edit: (t: string) => string = (t) => t) =>
  config("deploy-configs/blog.yml", edit(read("test/fixtures/configs/two-services.yml")));
type Compose = {
  services: Record<string, any>;
  networks: Record<string, any>;
  volumes?: Record<string, any>;
  version?: string;
};
const composeOf = (yaml: string) => parse(yaml) as Compose;

function renderError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error("expected a ConfigError");
}

describe("renderStack: host-port mode (deploy-configs/shop.yml + templates/web-service.yml)", () => {
  const rendered = renderStack({
    config: shop(),
    templateFile: "templates/web-service.yml",
    templateText: WEB_TEMPLATE,
    environment: previewEnvironment("shop", 123),
    sha: SHA,
  });

  it("names, URL and hash", () => {
    expect(rendered).toMatchObject({
      stack: "shop-pr-123",
      url: "http://127.0.0.1:20123",
      probeUrl: "http://127.0.0.1:20123/healthz",
      publicService: "web",
      services: ["web"],
      publishedPort: 20123,
    });
    expect(rendered.hash).toBe(createHash("sha256").update(rendered.yaml).digest("hex"));
  });

  it("renders exactly this service", () => {
    const compose = composeOf(rendered.yaml);
    expect(compose.version).toBe("3.8");
    expect(compose.services.web).toEqual({
      image: "berth-test-web:1",
      healthcheck: {
        test: ["CMD", "busybox", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/healthz"],
        interval: "2s",
        timeout: "3s",
        retries: 3,
        start_period: "5s",
      },
      stop_grace_period: "10s",
      environment: { BERTH_SHA: SHA },
      networks: { berth: {} },
      ports: [{ target: 8080, published: 20123, protocol: "tcp", mode: "host" }],
      deploy: {
        restart_policy: { condition: "any", delay: "2s", max_attempts: 3, window: "30s" },
        replicas: 1,
        resources: { limits: { cpus: "0.5", memory: "64M" }, reservations: { cpus: "0.05", memory: "16M" } },
        endpoint_mode: "dnsrr",
        labels: {
          "berth.repository": "acme/shop",
          "berth.environment": "pr-123",
          "berth.app": "shop",
          "berth.sha": SHA,
          "traefik.enable": "false",
        },
        // A host-mode port is held by one task per node: start-first would wait for it forever.
        update_config: { parallelism: 1, order: "stop-first", failure_action: "rollback", monitor: "11s" },
        rollback_config: { parallelism: 1, order: "stop-first", failure_action: "pause", monitor: "11s" },
      },
    });
  });

  it("gives the stack its own labelled overlay network and nothing external", () => {
    expect(composeOf(rendered.yaml).networks).toEqual({
      berth: {
        driver: "overlay",
        attachable: false,
        labels: { "berth.repository": "acme/shop", "berth.environment": "pr-123", "berth.app": "shop" },
      },
    });
  });

  it("is deterministic, and a new commit changes the hash", () => {
    const again = renderStack({
      config: shop(),
      templateFile: "t",
      templateText: WEB_TEMPLATE,
      environment: previewEnvironment("shop", 123),
      sha: SHA,
    });
    expect(again.yaml).toBe(rendered.yaml);
    const other = renderStack({
      config: shop(),
      templateFile: "t",
      templateText: WEB_TEMPLATE,
      environment: previewEnvironment("shop", 123),
      sha: "f".repeat(40),
    });
    expect(other.hash).not.toBe(rendered.hash);
  });

  it("staging and production publish just below the preview base", () => {
    const input = { config: shop(), templateFile: "t", templateText: WEB_TEMPLATE, sha: SHA };
    expect(renderStack({ ...input, environment: stagingEnvironment("shop") })).toMatchObject({
      stack: "shop-staging",
      publishedPort: 19999,
      url: "http://127.0.0.1:19999",
    });
    expect(renderStack({ ...input, environment: productionEnvironment("shop") })).toMatchObject({
      stack: "shop",
      publishedPort: 19998,
    });
  });

  it("refuses a published port beyond 65535", () => {
    const err = renderError(() =>
      renderStack({
        config: shop((t) => t.replace("previewPortBase: 20000", "previewPortBase: 60000")),
        templateFile: "t",
        templateText: WEB_TEMPLATE,
        environment: previewEnvironment("shop", 5536),
        sha: SHA,
      }),
    );
    expect(err.problems).toEqual([
      {
        file: "deploy-configs/shop.yml",
        line: 1,
        col: 1,
        path: "/routing/previewPortBase",
        message:
          "pr-5536 would publish port 65536, outside 1-65535 (routing.previewPortBase 60000); lower previewPortBase or use traefik mode",
      },
    ]);
    expect(
      renderStack({
        config: shop((t) => t.replace("previewPortBase: 20000", "previewPortBase: 60000")),
        templateFile: "t",
        templateText: WEB_TEMPLATE,
        environment: previewEnvironment("shop", 5535),
        sha: SHA,
      }).publishedPort,
    ).toBe(65535);
  });
});

describe("renderStack: templates/web-service-unchecked.yml (many previews on a small manager)", () => {
  it("renders web-service.yml's service without a healthcheck; Swarm watches an update 10 s (no healthcheck to size it by)", () => {
    const checked = composeOf(
      renderStack({
        config: shop(),
        templateFile: "templates/web-service.yml",
        templateText: WEB_TEMPLATE,
        environment: previewEnvironment("shop", 123),
        sha: SHA,
      }).yaml,
    ).services.web;
    const unchecked = composeOf(
      renderStack({
        config: shop(),
        templateFile: "templates/web-service-unchecked.yml",
        templateText: read("templates/web-service-unchecked.yml"),
        environment: previewEnvironment("shop", 123),
        sha: SHA,
      }).yaml,
    ).services.web;
    const { healthcheck, deploy, ...rest } = checked;
    expect(healthcheck).toBeDefined();
    expect(unchecked).not.toHaveProperty("healthcheck");
    const { update_config, rollback_config, ...deployRest } = deploy;
    expect(unchecked).toEqual({
      ...rest,
      deploy: {
        ...deployRest,
        update_config: { ...update_config, monitor: "10s" },
        rollback_config: { ...rollback_config, monitor: "10s" },
      },
    });
  });
});

describe("renderStack: traefik mode (two services, template with volume and own network)", () => {
  const rendered = renderStack({
    config: blog(),
    templateFile: "templates/two.yml",
    templateText: BLOG_TEMPLATE,
    environment: previewEnvironment("blog", 7),
    sha: SHA,
  });
  const compose = composeOf(rendered.yaml);

  it("routes https://<stack>.<domain> with Traefik v3 swarm labels on the public service", () => {
    expect(rendered).toMatchObject({
      url: "https://blog-pr-7.preview.example.com",
      probeUrl: "https://blog-pr-7.preview.example.com/healthz",
      services: ["web", "worker"],
    });
    expect(rendered.publishedPort).toBeUndefined();
    const labels = compose.services.web.deploy.labels as Record<string, string>;
    expect(labels).toEqual({
      "com.example.team": "blog",
      "berth.repository": "acme/blog",
      "berth.environment": "pr-7",
      "berth.app": "blog",
      "berth.sha": SHA,
      "traefik.enable": "true",
      "traefik.swarm.network": "traefik-public",
      "traefik.swarm.lbswarm": "false",
      "traefik.http.routers.blog-pr-7.rule": "Host(`blog-pr-7.preview.example.com`)",
      "traefik.http.routers.blog-pr-7.entrypoints": "websecure",
      "traefik.http.routers.blog-pr-7.service": "blog-pr-7",
      "traefik.http.routers.blog-pr-7.tls": "true",
      "traefik.http.routers.blog-pr-7.tls.certresolver": "wildcard",
      "traefik.http.services.blog-pr-7.loadbalancer.server.port": "3000",
    });
    expect(validateTraefikLabels(labels)).toEqual([]);
    expect(compose.services.worker.deploy.labels["traefik.enable"]).toBe("false");
    expect(compose.services.web.ports).toBeUndefined();
  });

  it("joins the public service to Traefik's external network and every service to the stack network", () => {
    expect(compose.services.web.networks).toEqual({ berth: {}, berth_traefik: {} });
    expect(compose.services.worker.networks).toEqual({ backend: {}, berth: {} });
    const labels = { "berth.repository": "acme/blog", "berth.environment": "pr-7", "berth.app": "blog" };
    expect(compose.networks).toEqual({
      backend: { driver: "overlay", labels },
      berth: { driver: "overlay", attachable: false, labels },
      berth_traefik: { external: true, name: "traefik-public" },
    });
    expect(compose.volumes).toEqual({ data: { labels } });
  });

  it("sets replicas, resources, env and zero-downtime updates from the config", () => {
    const web = compose.services.web;
    expect(web.image).toBe(`ghcr.io/acme/blog:${SHA}`);
    expect(web.environment).toEqual({
      MODE: "web",
      NODE_ENV: "production",
      PUBLIC_URL: "https://blog-pr-7.preview.example.com",
      BERTH_SHA: SHA,
    });
    expect(web.deploy).toMatchObject({
      replicas: 2,
      endpoint_mode: "dnsrr",
      resources: { limits: { cpus: "1", memory: "512M" }, reservations: { cpus: "0.25", memory: "128M" } },
      restart_policy: { condition: "on-failure" },
      // start_period 10s + interval 5s × retries 4
      update_config: { parallelism: 1, order: "start-first", failure_action: "rollback", monitor: "30s" },
      rollback_config: { parallelism: 1, order: "start-first", failure_action: "pause", monitor: "30s" },
    });
    expect(web.healthcheck.test[6]).toBe("http://127.0.0.1:3000/healthz");
    const worker = compose.services.worker;
    expect(worker.image).toBe("ghcr.io/acme/blog-worker:0123456");
    expect(worker.command).toEqual(["worker", "--stack", "blog-pr-7"]);
    expect(worker.deploy).toMatchObject({
      replicas: 0,
      endpoint_mode: "dnsrr",
      update_config: { monitor: "10s", order: "start-first" },
    });
  });

  it("http scheme and no resolver: no TLS labels", () => {
    const r = renderStack({
      config: blog((t) =>
        t.replace("  mode: traefik\n", "  mode: traefik\n  scheme: http\n").replace("    certResolver: wildcard\n", ""),
      ),
      templateFile: "t",
      templateText: BLOG_TEMPLATE,
      environment: previewEnvironment("blog", 7),
      sha: SHA,
    });
    const labels = Object.keys(composeOf(r.yaml).services.web.deploy.labels);
    expect(labels.filter((k) => k.includes(".tls"))).toEqual([]);
    expect(r.url).toBe("http://blog-pr-7.preview.example.com");
  });

  it("uses persisted replica counts, clamped to maxReplicas", () => {
    const input = {
      config: blog(),
      templateFile: "t",
      templateText: BLOG_TEMPLATE,
      environment: previewEnvironment("blog", 7),
      sha: SHA,
    };
    const scaled = composeOf(renderStack({ ...input, replicas: { web: 4, worker: 9 } }).yaml);
    expect(scaled.services.web.deploy.replicas).toBe(4);
    expect(scaled.services.worker.deploy.replicas).toBe(5);
    expect(() => renderStack({ ...input, replicas: { api: 1 } })).toThrow(FinalError);
    expect(() => renderStack({ ...input, replicas: { web: -1 } })).toThrow(FinalError);
  });
});
