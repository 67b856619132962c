import { describe, expect, it } from "vitest";
import { commandLine, quoteToken } from "../../app/adapters/ssh/shell-quote.js";
import { fingerprint, hostKeyMatches } from "../../app/adapters/ssh/host-key.js";
import { dockerArgs } from "../../app/core/docker-args.js";
import { FinalError } from "../../app/errors.js";
import {
  converged,
  pendingReasons,
  serviceStatuses,
  taskProblems,
  type RawService,
  type RawTask,
} from "../../app/adapters/swarm/swarm-state.js";

describe("argument quoting for ssh exec", () => {
  it("single-quotes every token, escaping quotes", () => {
    expect(commandLine(["docker", "stack", "rm", "shop-pr-1"])).toBe("'docker' 'stack' 'rm' 'shop-pr-1'");
    expect(quoteToken("it's $(x) `y`")).toBe(`'it'\\''s $(x) \`y\`'`);
  });
  it("refuses NUL and newlines", () => {
    expect(() => quoteToken("a\nb")).toThrow(/newline/);
    expect(() => quoteToken("a\0b")).toThrow(/NUL/);
  });
});

describe("pinned host keys", () => {
  const blob = Buffer.from("ssh-ed25519-key-blob");
  it("matches the known_hosts form and the SHA256 fingerprint form", () => {
    expect(hostKeyMatches(`ssh-ed25519 ${blob.toString("base64")}`, blob)).toBe(true);
    expect(hostKeyMatches(fingerprint(blob), blob)).toBe(true);
    expect(hostKeyMatches(`ssh-ed25519 ${Buffer.from("other").toString("base64")}`, blob)).toBe(false);
    expect(hostKeyMatches("SHA256:nope", blob)).toBe(false);
  });
});

describe("docker argument lists", () => {
  it("are exact tokens", () => {
    expect(dockerArgs.stackDeploy("shop-pr-123")).toEqual([
      "docker",
      "stack",
      "deploy",
      "--prune",
      "--resolve-image",
      "never",
      "--with-registry-auth",
      "-c",
      "-",
      "shop-pr-123",
    ]);
    expect(dockerArgs.stackServiceIds("shop-pr-123")).toEqual([
      "docker",
      "service",
      "ls",
      "-q",
      "--filter",
      "label=com.docker.stack.namespace=shop-pr-123",
    ]);
    expect(dockerArgs.serviceLogs("shop-pr-123_web", 20)).toEqual([
      "docker",
      "service",
      "logs",
      "--raw",
      "--no-trunc",
      "--tail",
      "20",
      "shop-pr-123_web",
    ]);
  });
  it("refuse names Swarm would refuse and anything that is not an id", () => {
    expect(() => dockerArgs.stackRm("shop; rm -rf /")).toThrow(FinalError);
    expect(() => dockerArgs.stackRm("x".repeat(64))).toThrow(/at most 63/);
    expect(() => dockerArgs.serviceInspect(["abc123def456", "--format"])).toThrow(/not a Docker object id/);
    expect(() => dockerArgs.serviceLogs("shop_web", 0)).toThrow(/tail/);
  });
});

describe("per-node volume cleanup job", () => {
  const helper = { image: "docker:27-cli", dockerSocket: "/var/run/docker.sock" };
  it("one global job, the node's socket mounted, the stack as an argument of a constant one-line script", () => {
    const argv = dockerArgs.volumeCleanupJob("berth-volumes-abc", "shop-pr-1", helper);
    expect(argv.slice(0, 8)).toEqual([
      "docker",
      "service",
      "create",
      "--detach",
      "--quiet",
      "--mode",
      "global-job",
      "--restart-condition",
    ]);
    expect(argv).toContain("type=bind,source=/var/run/docker.sock,target=/var/run/docker.sock");
    expect(argv.slice(-2)).toEqual(["berth-volume-cleanup", "shop-pr-1"]);
    const script = argv[argv.indexOf("-c") + 1]!;
    expect(script).not.toContain("shop-pr-1");
    expect(script).toContain("$1");
    expect(() => commandLine(argv)).not.toThrow(); // no newline: the SSH layer would refuse it
  });
  it("takes a Swarm mount template for nodes whose sockets differ, and refuses anything else", () => {
    const templated = { ...helper, dockerSocket: "/run/{{.Node.Hostname}}/docker.sock" };
    expect(dockerArgs.volumeCleanupJob("j", "s", templated)).toContain(
      "type=bind,source=/run/{{.Node.Hostname}}/docker.sock,target=/var/run/docker.sock",
    );
    for (const bad of ["run/docker.sock", "/var/../etc/passwd", "/x,target=/etc", "/{{.Service.Name}}/d"])
      expect(() => dockerArgs.volumeCleanupJob("j", "s", { ...helper, dockerSocket: bad })).toThrow(/socket path/);
    expect(() => dockerArgs.volumeCleanupJob("j", "s; rm -rf /", helper)).toThrow();
    expect(() => dockerArgs.volumeCleanupJob("j", "s", { ...helper, image: "x y" })).toThrow(/image reference/);
  });
});

describe("swarm state", () => {
  const svc = (id: string, name: string, replicas: number, update?: string): RawService => ({
    ID: id,
    Spec: {
      Name: name,
      Mode: { Replicated: { Replicas: replicas } },
      TaskTemplate: { ContainerSpec: { Image: "img:1@sha256:abc" } },
    },
    UpdateStatus: update ? { State: update } : undefined,
  });
  const task = (
    id: string,
    service: string,
    desired: string,
    state: string,
    at = "2026-11-24T10:00:10Z",
    err?: string,
  ): RawTask => ({
    ID: id,
    ServiceID: service,
    DesiredState: desired,
    Status: { Timestamp: at, State: state, Err: err },
  });

  it("counts only tasks Swarm wants running that run; an update in progress is not converged", () => {
    const services = [svc("s1", "st_web", 2, "updating")];
    const tasks = [
      task("t1", "s1", "running", "running"),
      task("t2", "s1", "shutdown", "running"),
      task("t3", "s1", "running", "starting"),
    ];
    const [web] = serviceStatuses("st", services, tasks);
    expect(web).toMatchObject({
      service: "web",
      fullName: "st_web",
      image: "img:1",
      desired: 2,
      running: 1,
      updateState: "updating",
    });
    expect(converged(web!)).toBe(false);
    expect(converged({ ...web!, running: 2, updateState: "completed" })).toBe(true);
  });

  it("collects failed and rejected tasks since the deploy, oldest first", () => {
    const services = [svc("s1", "st_web", 1)];
    const tasks = [
      task("old", "s1", "shutdown", "failed", "2026-11-24T09:00:00Z", "old failure"),
      task("t2", "s1", "shutdown", "failed", "2026-11-24T10:00:20Z", "task: non-zero exit (1)"),
      task("t1", "s1", "shutdown", "rejected", "2026-11-24T10:00:15Z", "No such image: x"),
    ];
    const problems = taskProblems("st", services, tasks, Date.parse("2026-11-24T10:00:00Z"));
    expect(problems.map((p) => [p.taskId, p.error])).toEqual([
      ["t1", "No such image: x"],
      ["t2", "task: non-zero exit (1)"],
    ]);
  });

  it("says why tasks wait unplaced, once per service and reason, with the fix for a reservation that does not fit", () => {
    const services = [svc("s1", "st_web", 2), svc("s2", "st_db", 1)];
    const full = "no suitable node (insufficient resources on 1 node)";
    const tasks = [
      task("t1", "s1", "running", "pending", undefined, full),
      task("t2", "s1", "running", "pending", undefined, full),
      task("t3", "s2", "running", "pending", undefined, "no suitable node (scheduling constraints not satisfied)"),
      task("t4", "s2", "shutdown", "pending", undefined, full), // no longer wanted
      task("t5", "s1", "running", "pending"), // pending without a reason: just not placed yet
    ];
    expect(pendingReasons("st", services, tasks)).toEqual([
      "db: Swarm cannot place a task: no suitable node (scheduling constraints not satisfied)",
      `web: Swarm cannot place a task: ${full} (lower services.web.resources.reservations in the deploy config, or add nodes)`,
    ]);
  });
});
