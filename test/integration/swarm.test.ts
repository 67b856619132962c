// The Swarm adapter on the real single-node Swarm, reached through the real sshd: a rendered stack deploys,
// converges and serves its SHA; a redeploy serves the new SHA; a broken image fails with Swarm's task error;
// teardown leaves no service, container, network or volume.
import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { createSshPool } from "../../app/adapters/ssh/pool.js";
import { createSshSwarm } from "../../app/adapters/swarm/ssh-swarm.js";
import { renderStack } from "../../app/core/render/index.js";
import { previewEnvironment } from "../../app/core/environment.js";
import type { DeployConfig } from "../../app/core/config/types.js";
import { infraEnv, sshTarget } from "../helpers/infra.js";
import { readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";

const pool = createSshPool();
const swarm = createSshSwarm(sshTarget(), pool);
const app = `bt${randomBytes(3).toString("hex")}`;
const pr = 21000 + Math.floor(Math.random() * 900);
const env = previewEnvironment(app, pr);
const template = readFileSync("templates/web-service.yml", "utf8");
const sha = () => randomBytes(20).toString("hex");

function config(image: string): DeployConfig {
  return {
    file: "test.yml",
    repository: "acme/test",
    app,
    template: "web-service.yml",
    ssh: sshTarget(),
    routing: {
      mode: "host-port",
      scheme: "http",
      domain: "preview.localhost",
      previewPortBase: 0,
      probeHost: "127.0.0.1",
      traefik: { entrypoint: "websecure" },
    },
    preview: { enabled: true, healthTimeoutSeconds: 90, maxFailedTasks: 3 },
    staging: { enabled: true, branch: "main", ciGate: false, healthTimeoutSeconds: 90, maxFailedTasks: 3 },
    production: {
      enabled: true,
      tagPattern: "^v",
      ciGate: true,
      requireApproval: false,
      healthTimeoutSeconds: 90,
      maxFailedTasks: 3,
    },
    history: { keep: 10 },
    build: { enabled: false, dockerfile: "Dockerfile" },
    services: {
      web: {
        image,
        replicas: 1,
        maxReplicas: 5,
        port: 8080,
        healthPath: "/healthz",
        public: true,
        env: {},
        resources: { limits: { cpus: 0.5, memory: "64M" }, reservations: { cpus: 0.05, memory: "16M" } },
      },
    },
  };
}

/** The stack of `cfg` for this test's environment, at a new commit unless one is given. */
const render = (cfg: DeployConfig, templateText = template, commit = sha()) =>
  renderStack({ config: cfg, templateFile: "web-service.yml", templateText, environment: env, sha: commit });

afterAll(async () => {
  await swarm.removeStack(env.stack, { deadline: Date.now() + 120_000 }).catch(() => undefined);
  await pool.closeAll();
});

describe("Swarm over SSH (real Swarm)", () => {
  it("deploys a rendered stack, waits until it runs the new spec, and serves the SHA; a redeploy serves the new one", async () => {
    for (const commit of [sha(), sha()]) {
      const rendered = render(config(infraEnv().BERTH_TEST_IMAGE!), template, commit);
      const since = Date.now();
      await swarm.deployStack(env.stack, rendered.yaml);
      const outcome = await swarm.waitForStack(env.stack, { deadline: Date.now() + 90_000, since, maxFailedTasks: 3 });
      expect(outcome.ok).toBe(true);
      expect(outcome.services).toMatchObject([
        { service: "web", fullName: `${env.stack}_web`, desired: 1, running: 1 },
      ]);
      const body = await (await fetch(rendered.url, { signal: AbortSignal.timeout(3000) })).text();
      expect(body.trim()).toBe(`berth-test-web sha=${commit}`);
    }
    const logs = await swarm.serviceLogs(`${env.stack}_web`, 20);
    expect(logs.join("\n")).toMatch(/berth-test-web starting|GET \//);
  });

  it("reports a broken image as failing tasks with Swarm's error, and rolls back to the serving version", async () => {
    const before = await swarm.stackServices(env.stack);
    expect(before).toHaveLength(1);
    const rendered = render(config(infraEnv().BERTH_BROKEN_IMAGE!));
    const since = Date.now();
    await swarm.deployStack(env.stack, rendered.yaml);
    const outcome = await swarm.waitForStack(env.stack, { deadline: Date.now() + 90_000, since, maxFailedTasks: 2 });
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(["tasks-failing", "rolled-back"]).toContain(outcome.reason);
    expect(JSON.stringify(outcome.problems) + outcome.message).toMatch(/non-zero exit|rolled/);
    const logs = await swarm.serviceLogs(`${env.stack}_web`, 50);
    expect(logs.join("\n")).toContain("refusing to start");
  });

  it("removes the stack with its network and volumes, and removing again succeeds", async () => {
    // A template with a named volume: teardown must remove it too (stack rm leaves volumes behind).
    const withVolume =
      template.replace("    stop_grace_period: 10s", "    stop_grace_period: 10s\n    volumes:\n      - data:/data") +
      "\nvolumes:\n  data: {}\n";
    const rendered = render(config(infraEnv().BERTH_TEST_IMAGE!), withVolume);
    expect(rendered.yaml).toContain("berth.environment: pr-");
    const since = Date.now();
    await swarm.deployStack(env.stack, rendered.yaml);
    expect((await swarm.waitForStack(env.stack, { deadline: Date.now() + 90_000, since, maxFailedTasks: 3 })).ok).toBe(
      true,
    );
    expect(
      execFileSync("docker", ["volume", "ls", "-q", "--filter", `label=com.docker.stack.namespace=${env.stack}`])
        .toString()
        .trim(),
    ).toBe(`${env.stack}_data`);
    const result = await swarm.removeStack(env.stack, { deadline: Date.now() + 120_000 });
    expect(result.removedVolumes).toEqual([`${env.stack}_data`]);
    const label = `label=com.docker.stack.namespace=${env.stack}`;
    for (const kind of [
      ["service", "ls"],
      ["network", "ls"],
      ["volume", "ls"],
    ]) {
      expect(
        execFileSync("docker", [...kind, "-q", "--filter", label])
          .toString()
          .trim(),
      ).toBe("");
    }
    expect(execFileSync("docker", ["ps", "-aq", "--filter", label]).toString().trim()).toBe("");
    await expect(swarm.removeStack(env.stack, { deadline: Date.now() + 10_000 })).resolves.toEqual({
      removedVolumes: [],
    });
    expect(await swarm.stackServices(env.stack)).toEqual([]);
  });

  it("a task Swarm cannot place: the timeout says why and what to change", async () => {
    const base = config(infraEnv().BERTH_TEST_IMAGE!);
    const web = base.services.web!;
    const tooBig = {
      ...base,
      services: { web: { ...web, resources: { ...web.resources, reservations: { cpus: 512 } } } },
    };
    const rendered = render(tooBig);
    const since = Date.now();
    await swarm.deployStack(env.stack, rendered.yaml);
    const outcome = await swarm.waitForStack(env.stack, { deadline: Date.now() + 5_000, since, maxFailedTasks: 3 });
    expect(outcome).toMatchObject({ ok: false, reason: "timeout" });
    expect(outcome.ok ? "" : outcome.message).toBe(
      "not healthy before the deadline (web 0/1); web: Swarm cannot place a task: no suitable node " +
        "(insufficient resources on 1 node) (lower services.web.resources.reservations in the deploy config, or add nodes)",
    );
    await swarm.removeStack(env.stack, { deadline: Date.now() + 120_000 });
  });

  it("a stack removed by hand while it is watched ends the wait as removed, not at the deadline", async () => {
    const rendered = render(config(infraEnv().BERTH_BROKEN_IMAGE!));
    const since = Date.now();
    await swarm.deployStack(env.stack, rendered.yaml);
    // Tasks that keep failing are tolerated here, so only the deadline or the removal can end the wait.
    const watching = swarm.waitForStack(env.stack, { deadline: Date.now() + 60_000, since, maxFailedTasks: 1000 });
    execFileSync("docker", ["stack", "rm", env.stack]);
    const outcome = await watching;
    expect(outcome).toMatchObject({ ok: false, reason: "removed" });
  });
});
