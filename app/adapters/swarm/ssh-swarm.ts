// SwarmPort over SSH: the docker CLI on the manager, driven with argument lists on pooled channels.
import type { SshTarget } from "../../core/config/types.js";
import type { ServiceStatus, StackOutcome, SwarmPort, WaitOptions } from "../../ports/swarm.js";
import { dockerArgs, stackLabelFilter, type NodeHelper } from "../../core/docker-args.js";
import { dockerApiFor, type DockerApi } from "./docker-api.js";
import { createHash } from "node:crypto";
import type { SshPool } from "../ssh/pool.js";
import { dockerFailure } from "./docker-errors.js";
import { swarmPolicies } from "./swarm-policies.js";
import {
  converged,
  healthy,
  pendingReasons,
  serviceStatuses,
  taskProblems,
  type RawService,
  type RawTask,
} from "./swarm-state.js";
import { ROLLBACK_STATES as ROLLED_BACK } from "../../ports/swarm.js";

/** Between looks at a stack: a look through the Docker API costs milliseconds, one through the CLI ~1 s. */
const POLL_MS = { api: 200, cli: 500 };
/** After the Docker API failed (sshd or dockerd restarting, no dial-stdio): reads use the CLI for this long. */
const API_BACKOFF_MS = 30_000;
const REMOVED_WHILE_WATCHED = "the stack was removed while Berth watched it (by hand or by another tool)";
const TERMINAL_TASK_STATES = new Set(["complete", "failed", "rejected", "shutdown", "orphaned", "remove"]);

/** What runs the per-node volume cleanup on a multi-node Swarm (see removeVolumesOnEveryNode). */
export const DEFAULT_NODE_HELPER: NodeHelper = { image: "docker:27-cli", dockerSocket: "/var/run/docker.sock" };

export function createSshSwarm(target: SshTarget, pool: SshPool, helper: NodeHelper = DEFAULT_NODE_HELPER): SwarmPort {
  async function run(what: string, argv: string[], stdin?: string): Promise<string> {
    const result = await pool.exec(target, argv, { stdin, timeoutMs: 180_000 });
    if (result.code !== 0) throw dockerFailure(what, result);
    return result.stdout;
  }
  // A removal whose only complaints are about objects already gone: someone else (an operator's stack rm, a second
  // teardown) removed them first, which is what was asked. Swarm also lists a network for a while after it began
  // deleting it, and removing it then says "not found". Whether everything is gone is checked after, by listing.
  async function removeGone(what: string, argv: string[]): Promise<void> {
    const result = await pool.exec(target, argv, { timeoutMs: 180_000 });
    if (result.code === 0) return;
    const complaints = `${result.stderr}\n${result.stdout}`
      .split("\n")
      .flatMap((l) => l.split(/(?=failed to remove some resources)/i))
      .map((l) => l.trim())
      .filter((l) => l && !/^(Removing|failed to remove some resources from stack)/i.test(l));
    if (complaints.length === 0 || !complaints.every((l) => /\b(not found|no such \w+)/i.test(l)))
      throw dockerFailure(what, result);
  }
  const lines = (text: string) =>
    text
      .split("\n")
      .map((l) => l.trim())
      .filter(Boolean);

  // Swarm prunes task history (and a stack rm removes services) at any moment, so an object listed a moment ago may
  // be gone: docker inspect then exits 1 but still prints the ones it found. Only vanished objects are tolerated.
  async function inspectListed<T>(what: string, argv: string[]): Promise<T[]> {
    const result = await pool.exec(target, argv, { timeoutMs: 60_000 });
    const onlyVanished = result.stderr
      .split("\n")
      .filter(Boolean)
      .every((l) => /No such (object|service)/i.test(l));
    if (result.code !== 0 && !onlyVanished) throw dockerFailure(what, result);
    return JSON.parse(result.stdout.trim() || "[]") as T[];
  }

  const api: DockerApi | undefined = pool.stream
    ? dockerApiFor(target, pool as Required<Pick<SshPool, "stream">>)
    : undefined;
  let apiOffUntil = 0;

  /** Through the Docker API when it answers, else undefined (the caller asks the CLI, whose errors say what failed). */
  async function viaApi<T>(read: (api: DockerApi) => Promise<T>): Promise<T | undefined> {
    if (!api || Date.now() < apiOffUntil) return undefined;
    try {
      return await read(api);
    } catch {
      apiOffUntil = Date.now() + API_BACKOFF_MS;
      return undefined;
    }
  }

  const pollMs = () => (api && Date.now() >= apiOffUntil ? POLL_MS.api : POLL_MS.cli);
  const pause = () => new Promise((r) => setTimeout(r, pollMs()));

  async function snapshot(stack: string): Promise<{ services: RawService[]; tasks: RawTask[] }> {
    const fromApi = await viaApi(async (docker) => {
      const services = await docker.get<RawService[]>("/services", { label: [stackLabelFilter(stack)] });
      if (services.length === 0) return { services, tasks: [] };
      const tasks = await docker.get<RawTask[]>("/tasks", { service: services.map((s) => s.ID) });
      return { services, tasks };
    });
    return fromApi ?? snapshotViaCli(stack);
  }

  async function snapshotViaCli(stack: string): Promise<{ services: RawService[]; tasks: RawTask[] }> {
    const serviceIds = lines(await run("docker service ls", dockerArgs.stackServiceIds(stack)));
    if (serviceIds.length === 0) return { services: [], tasks: [] };
    const services = await inspectListed<RawService>("docker service inspect", dockerArgs.serviceInspect(serviceIds));
    const taskIds = lines(await run("docker service ps", dockerArgs.serviceTaskIds(serviceIds)));
    return {
      services,
      tasks: taskIds.length ? await inspectListed<RawTask>("docker inspect tasks", dockerArgs.inspect(taskIds)) : [],
    };
  }

  async function waitUntil(what: string, deadline: number, done: () => Promise<boolean>): Promise<void> {
    while (!(await done())) {
      if (Date.now() > deadline) throw new Error(`${what}: still not done at the deadline`);
      await pause();
    }
  }

  // Volumes are local to a node: `docker volume rm` on the manager never reaches a worker's, and Berth's SSH reaches
  // only managers (workers need no sshd, and their Docker sockets are not exposed). So the manager starts a one-shot
  // global job — Swarm runs one task on every available node — whose task removes the stack's volumes through that
  // node's own Docker socket, and reports per volume in its logs. Chosen over per-node docker contexts because it
  // needs nothing Berth does not already have: the manager's docker CLI and an image with sh + docker on each node.
  // Returns "<volume>@<node>"; throws naming node and volume when one is left (the teardown is then retried).
  async function removeVolumesOnEveryNode(stack: string, deadline: number): Promise<string[]> {
    const suffix = createHash("sha256").update(`${stack} ${Date.now()} ${Math.random()}`).digest("hex").slice(0, 12);
    const job = `berth-volumes-${suffix}`;
    const ready = lines(await run("docker node ls", dockerArgs.nodeStates()))
      .map((l) => l.split(" "))
      .filter(([, , status, availability]) => status === "Ready" && availability === "Active")
      .map(([id]) => id!);
    await run(`docker service create ${job}`, dockerArgs.volumeCleanupJob(job, stack, helper));
    try {
      let tasks: RawTask[] = [];
      await waitUntil(`removing the volumes of ${stack} on every node`, deadline, async () => {
        const ids = lines(await run("docker service ps", dockerArgs.serviceTaskIdsByName(job)));
        tasks = ids.length ? await inspectListed<RawTask>("docker inspect tasks", dockerArgs.inspect(ids)) : [];
        const finished = new Set(
          tasks.filter((t) => TERMINAL_TASK_STATES.has(t.Status?.State ?? "")).map((t) => t.NodeID ?? ""),
        );
        return ready.every((id) => finished.has(id));
      });
      const report = lines((await pool.exec(target, dockerArgs.serviceLogs(job, 1000), { timeoutMs: 30_000 })).stdout);
      const removed = report.flatMap((l) => /^removed (\S+) on (\S+)$/.exec(l)?.slice(1, 3).join("@") ?? []);
      const left = report.filter((l) => l.startsWith("left "));
      const failed = tasks.filter((t) => ready.includes(t.NodeID ?? "") && t.Status?.State !== "complete");
      if (left.length > 0 || failed.length > 0)
        throw new Error(
          `volumes of ${stack} not removed on every node: ` +
            [...left, ...failed.map((t) => `task on node ${t.NodeID}: ${t.Status?.State} ${t.Status?.Err ?? ""}`)]
              .join("; ")
              .trim(),
        );
      return removed;
    } finally {
      await run(`docker service rm ${job}`, dockerArgs.serviceRm(job)).catch(() => undefined);
    }
  }

  return {
    ...swarmPolicies(run, inspectListed),
    async deployStack(stack, composeYaml) {
      await run(`docker stack deploy ${stack}`, dockerArgs.stackDeploy(stack), composeYaml);
    },

    async waitForStack(stack: string, opts: WaitOptions): Promise<StackOutcome> {
      let lastKey = "";
      for (;;) {
        if (await opts.abandon?.().catch(() => false))
          return { ok: false, reason: "abandoned", message: "a newer deploy took over", services: [], problems: [] };
        const { services: raw, tasks } = await snapshot(stack);
        // Watched stacks exist (deployed or scaled just before): none left means someone removed it. Waiting on would
        // hold a worker slot until the deadline for a stack that cannot come back.
        if (raw.length === 0)
          return { ok: false, reason: "removed", message: REMOVED_WHILE_WATCHED, services: [], problems: [] };
        const services = serviceStatuses(stack, raw, tasks);
        const problems = taskProblems(stack, raw, tasks, opts.since);
        const key = JSON.stringify([services, problems.length]);
        if (key !== lastKey) {
          lastKey = key;
          await opts.onProgress?.({ services, problems });
        }
        const rolledBack = services.find((s) => ROLLED_BACK.has(s.updateState ?? ""));
        if (rolledBack) {
          return {
            ok: false,
            reason: "rolled-back",
            message: `Swarm rolled ${rolledBack.fullName} back: ${rolledBack.updateMessage ?? "update failed"}`,
            services,
            problems,
          };
        }
        const paused = services.find((s) => s.updateState === "paused");
        if (paused) {
          return {
            ok: false,
            reason: "paused",
            message: `Swarm paused the update of ${paused.fullName}: ${paused.updateMessage ?? ""}`.trim(),
            services,
            problems,
          };
        }
        if (problems.length >= opts.maxFailedTasks) {
          const last = problems[problems.length - 1]!;
          return {
            ok: false,
            reason: "tasks-failing",
            message: `${problems.length} tasks failed; last: ${last.service}: ${last.error}`,
            services,
            problems,
          };
        }
        const done = opts.until === "converged" ? converged : healthy;
        if (services.length > 0 && services.every(done)) return { ok: true, services };
        if (Date.now() > opts.deadline) {
          const waiting = services.filter((s) => !converged(s)).map((s) => `${s.service} ${s.running}/${s.desired}`);
          const unplaced = pendingReasons(stack, raw, tasks);
          return {
            ok: false,
            reason: "timeout",
            message:
              `not healthy before the deadline (${waiting.join(", ") || "no services"})` +
              (unplaced.length ? `; ${unplaced.join("; ")}` : ""),
            services,
            problems,
          };
        }
        await pause();
      }
    },

    async nodeCount() {
      return lines(await run("docker node ls", dockerArgs.nodeNames())).length;
    },

    async stackServices(stack): Promise<ServiceStatus[]> {
      const { services, tasks } = await snapshot(stack);
      if (services.length === 0) return [];
      // Which node runs what: a lost node shows as its tasks moving (only a manager can list nodes).
      const fromApi = await viaApi(async (docker) =>
        (await docker.get<Array<{ ID: string; Description?: { Hostname?: string } }>>("/nodes")).map(
          (n) => [n.ID, n.Description?.Hostname ?? n.ID] as [string, string],
        ),
      );
      const nodeNames = new Map(
        fromApi ??
          lines(await run("docker node ls", dockerArgs.nodeNames())).map((l) => l.split(" ", 2) as [string, string]),
      );
      return serviceStatuses(stack, services, tasks, nodeNames);
    },

    async scaleService(fullName, replicas) {
      await run(`docker service scale ${fullName}`, dockerArgs.serviceScale(fullName, replicas));
    },

    async rollbackServices(fullNames) {
      for (const name of fullNames) await run(`docker service rollback ${name}`, dockerArgs.serviceRollback(name));
    },

    async removeStack(stack, opts) {
      const exists = lines(await run("docker service ls", dockerArgs.stackServiceIds(stack))).length > 0;
      const networks = lines(await run("docker network ls", dockerArgs.stackNetworkIds(stack)));
      if (exists || networks.length > 0) await removeGone(`docker stack rm ${stack}`, dockerArgs.stackRm(stack));
      // stack rm returns before Swarm has stopped the containers and dropped the network; an immediate redeploy
      // would fail with "network not found", so wait until they are really gone.
      await waitUntil(`removing ${stack}`, opts.deadline, async () => {
        const left = await Promise.all([
          run("docker service ls", dockerArgs.stackServiceIds(stack)),
          run("docker ps", dockerArgs.stackContainerIds(stack)),
          run("docker network ls", dockerArgs.stackNetworkIds(stack)),
        ]);
        return left.every((out) => lines(out).length === 0);
      });
      const removedVolumes: string[] = [];
      if (lines(await run("docker node ls", dockerArgs.nodeNames())).length > 1)
        removedVolumes.push(...(await removeVolumesOnEveryNode(stack, opts.deadline)));
      else
        for (const volume of lines(await run("docker volume ls", dockerArgs.stackVolumeNames(stack)))) {
          await removeGone(`docker volume rm ${volume}`, dockerArgs.volumeRm(volume));
          removedVolumes.push(volume);
        }
      // The environment's secrets go with it; other environments' secrets carry other berth.stack labels.
      for (const secret of lines(await run("docker secret ls", dockerArgs.stackSecretNames(stack)))) {
        await removeGone(`docker secret rm ${secret}`, dockerArgs.secretRm(secret));
      }
      return { removedVolumes };
    },

    async inspectImages(refs) {
      if (refs.length === 0) return {};
      const raw = JSON.parse((await run("docker image inspect", dockerArgs.imageInspect(refs))).trim() || "[]") as {
        Id: string;
        RepoTags?: string[];
        RepoDigests?: string[];
      }[];
      // Answers come in argument order.
      return Object.fromEntries(
        refs.map((ref, i) => [ref, { id: raw[i]!.Id, repoDigests: raw[i]!.RepoDigests ?? [] }]),
      );
    },

    async buildImage(tag, dockerfile, context) {
      const result = await pool.exec(target, dockerArgs.build(tag, dockerfile), {
        stdin: context,
        timeoutMs: 15 * 60_000,
      });
      if (result.code !== 0) throw dockerFailure(`docker build ${tag}`, result);
      return (await this.inspectImages([tag]))[tag]!.id;
    },

    async pushImage(tag) {
      await run(`docker push ${tag}`, dockerArgs.push(tag));
      const repo = tag.replace(/:[^:/]+$/, "");
      const digest = (await this.inspectImages([tag]))[tag]!.repoDigests.find((d) => d.startsWith(`${repo}@`));
      if (!digest) throw new Error(`docker push ${tag} succeeded but the image has no digest for ${repo}`);
      return digest;
    },

    async serviceLogs(fullName, tail) {
      const result = await pool.exec(target, dockerArgs.serviceLogs(fullName, tail), { timeoutMs: 30_000 });
      if (result.code !== 0) throw dockerFailure(`docker service logs ${fullName}`, result);
      // Container stdout and stderr come back on the matching SSH streams; interleave order is lost, content is not.
      return lines(`${result.stdout}\n${result.stderr}`).slice(-tail);
    },
  };
}
