// SwarmPort in memory: stacks with services (desired/running, update state), failed tasks, secrets, networks,
// volumes and images. A deploy only records the new spec; what the Swarm then does is scripted per stack
// (healthy by default, or tasks failing, rolled back, paused, timeout), as the real adapter would report it.
import { createHash } from "node:crypto";
import { parse } from "yaml";
import type {
  LiveEnvironment,
  ServiceStatus,
  StackOutcome,
  SwarmPort,
  TaskProblem,
  WaitOptions,
} from "../../../app/ports/swarm.js";
import { memoryBytes } from "../../../app/core/config/memory-size.js";
import type { FakeClock } from "./clock.js";

export type SwarmOutcome =
  | { kind: "healthy" }
  /** The new tasks run healthy but Swarm's update monitor is still watching (the next wait says how it ends). */
  | { kind: "healthy-still-updating" }
  | { kind: "tasks-failing"; service?: string; error?: string }
  | { kind: "rolled-back"; service?: string; message?: string }
  | { kind: "paused"; service?: string; message?: string }
  | { kind: "timeout"; service?: string }
  /** Someone removes the stack (by hand, another tool) while the wait watches it. */
  | { kind: "removed" };

export type SwarmOp = keyof SwarmPort;
export interface SwarmCall {
  op: SwarmOp;
  stack?: string;
  /** deployStack: the compose YAML; ensureSecret: the secret name; build/push: the tag; others: names. */
  arg?: string;
  names?: string[];
}

interface FakeService extends ServiceStatus {
  cpus: number;
  memoryBytes: number;
  reservedCpus: number;
  reservedMemoryBytes: number;
}

export interface FakeStack {
  name: string;
  repository: string;
  environment: string;
  yaml?: string;
  services: Map<string, FakeService>;
  /** The spec before the last deploy, per service: what a rollback restores. */
  previous: Map<string, FakeService>;
  networks: string[];
  volumes: string[];
  /** Swarm names of the secrets the stack's services use ("in use": cannot be removed). */
  secretRefs: string[];
  /** The secrets the spec before the last deploy used: a rollback restores them. */
  previousSecretRefs?: string[];
}

interface ComposeService {
  image?: string;
  deploy?: {
    replicas?: number;
    labels?: Record<string, string>;
    resources?: { limits?: { cpus?: string; memory?: string }; reservations?: { cpus?: string; memory?: string } };
  };
}
interface Compose {
  services?: Record<string, ComposeService>;
  networks?: Record<string, { external?: boolean } | null>;
  volumes?: Record<string, { external?: boolean } | null>;
  secrets?: Record<string, { name?: string }>;
}

const WRITES: ReadonlySet<SwarmOp> = new Set([
  "deployStack",
  "rollbackServices",
  "scaleService",
  "removeStack",
  "buildImage",
  "pushImage",
  "ensureSecret",
  "removeStackSecrets",
]);

const sha256 = (text: string | Buffer) => createHash("sha256").update(text).digest("hex");

export class FakeSwarm implements SwarmPort {
  readonly calls: SwarmCall[] = [];
  readonly stacks = new Map<string, FakeStack>();
  readonly secrets = new Map<string, { value: string; labels: Record<string, string> }>();
  readonly images = new Map<string, { id: string; repoDigests: string[] }>();
  readonly logs = new Map<string, string[]>();
  private readonly outcomes = new Map<string, SwarmOutcome[]>();
  private readonly failures = new Map<SwarmOp, Error>();

  constructor(private readonly clock: FakeClock) {}

  // ---- scripting -------------------------------------------------------------------------------------------

  /** What the next waits on `stack` see, in order; afterwards every wait is healthy. */
  script(stack: string, ...outcomes: SwarmOutcome[]): void {
    this.outcomes.set(stack, [...(this.outcomes.get(stack) ?? []), ...outcomes]);
  }

  /** Every later call of `op` fails with `err` (docker exited non-zero, SSH dropped…). */
  failOn(op: SwarmOp, err: Error): void {
    this.failures.set(op, err);
  }

  addImage(ref: string, id: string, repoDigests: string[] = []): void {
    this.images.set(ref, { id, repoDigests });
  }

  /** A stack that is already running (another preview, a staging deploy from before the test). */
  seedStack(
    name: string,
    labels: { repository: string; environment: string },
    services: { service: string; replicas: number; image?: string; cpus?: number; memoryBytes?: number }[],
  ): FakeStack {
    const stack: FakeStack = {
      name,
      ...labels,
      services: new Map(),
      previous: new Map(),
      networks: [`${name}_berth`],
      volumes: [],
      secretRefs: [],
    };
    for (const s of services)
      stack.services.set(s.service, {
        service: s.service,
        fullName: `${name}_${s.service}`,
        image: s.image ?? "berth-test-web:1",
        desired: s.replicas,
        running: s.replicas,
        cpus: s.cpus ?? 0,
        memoryBytes: s.memoryBytes ?? 0,
        reservedCpus: 0,
        reservedMemoryBytes: 0,
      });
    this.stacks.set(name, stack);
    return stack;
  }

  // ---- what tests read -------------------------------------------------------------------------------------

  /** The operations that change the Swarm, in order ("what was deployed, what was NOT"). */
  writes(): SwarmCall[] {
    return this.calls.filter((c) => WRITES.has(c.op));
  }

  /** YAML of every deploy of `stack`, in order. */
  deploysOf(stack: string): string[] {
    return this.calls.filter((c) => c.op === "deployStack" && c.stack === stack).map((c) => c.arg!);
  }

  /** The compose object last deployed to `stack`. */
  lastCompose(stack: string): Compose {
    const yaml = this.deploysOf(stack).at(-1);
    if (yaml === undefined) throw new Error(`${stack} was never deployed`);
    return parse(yaml) as Compose;
  }

  // ---- SwarmPort -------------------------------------------------------------------------------------------

  private call(call: SwarmCall): Promise<void> {
    this.calls.push(call);
    const failure = this.failures.get(call.op);
    return failure ? Promise.reject(failure) : Promise.resolve();
  }

  async deployStack(name: string, composeYaml: string): Promise<void> {
    await this.call({ op: "deployStack", stack: name, arg: composeYaml });
    const compose = parse(composeYaml) as Compose;
    const existing = this.stacks.get(name);
    const services = new Map<string, FakeService>();
    let labels = { repository: existing?.repository ?? "", environment: existing?.environment ?? "" };
    for (const [short, spec] of Object.entries(compose.services ?? {})) {
      const l = spec.deploy?.labels ?? {};
      labels = { repository: l["berth.repository"] ?? labels.repository, environment: l["berth.environment"] ?? "" };
      const before = existing?.services.get(short);
      const limits = spec.deploy?.resources?.limits ?? {};
      const reservations = spec.deploy?.resources?.reservations ?? {};
      services.set(short, {
        service: short,
        fullName: `${name}_${short}`,
        image: spec.image ?? "",
        desired: spec.deploy?.replicas ?? 1,
        running: before?.running ?? 0,
        ...(before ? { updateState: "updating" } : {}),
        cpus: Number(limits.cpus ?? 0),
        memoryBytes: memoryBytes(limits.memory) ?? 0,
        reservedCpus: Number(reservations.cpus ?? 0),
        reservedMemoryBytes: memoryBytes(reservations.memory) ?? 0,
      });
    }
    const owned = (kind: Record<string, { external?: boolean } | null> | undefined) =>
      Object.entries(kind ?? {})
        .filter(([, v]) => !v?.external)
        .map(([k]) => `${name}_${k}`);
    this.stacks.set(name, {
      name,
      ...labels,
      yaml: composeYaml,
      services, // --prune: services left out of the file are gone
      previous: new Map([...(existing?.services ?? new Map<string, FakeService>())].map(([k, v]) => [k, { ...v }])),
      networks: owned(compose.networks),
      volumes: [...new Set([...(existing?.volumes ?? []), ...owned(compose.volumes)])],
      secretRefs: Object.values(compose.secrets ?? {}).flatMap((s) => (s.name ? [s.name] : [])),
      previousSecretRefs: existing?.secretRefs ?? [],
    });
  }

  async waitForStack(name: string, opts: WaitOptions): Promise<StackOutcome> {
    await this.call({ op: "waitForStack", stack: name });
    if (await opts.abandon?.())
      return { ok: false, reason: "abandoned", message: "a newer deploy took over", services: [], problems: [] };
    const stack = this.stacks.get(name);
    const outcome = this.outcomes.get(name)?.shift() ?? { kind: "healthy" };
    if (outcome.kind === "removed") this.stacks.delete(name);
    if (outcome.kind === "removed" || !stack || stack.services.size === 0) {
      return fail("removed", "the stack was removed while Berth watched it (by hand or by another tool)", [], []);
    }
    await opts.onProgress?.({ services: this.statuses(stack), problems: [] });
    const target =
      stack.services.get("service" in outcome && outcome.service ? outcome.service : "") ??
      [...stack.services.values()][0]!;
    switch (outcome.kind) {
      case "healthy-still-updating":
        for (const s of stack.services.values()) s.running = s.desired;
        return { ok: true, services: this.statuses(stack) };
      case "healthy":
        for (const s of stack.services.values()) {
          s.running = s.desired;
          if (s.updateState === "updating") s.updateState = "completed";
        }
        return { ok: true, services: this.statuses(stack) };
      case "tasks-failing": {
        const error = outcome.error ?? "task: non-zero exit (1)";
        target.running = 0;
        const problems: TaskProblem[] = Array.from({ length: opts.maxFailedTasks }, (_, i) => ({
          service: target.service,
          taskId: `task${i + 1}`.padEnd(12, "0"),
          state: "failed",
          error,
          at: new Date(Math.max(opts.since, this.clock.now()) + i).toISOString(),
        }));
        const message = `${problems.length} tasks failed; last: ${target.service}: ${error}`;
        return fail("tasks-failing", message, this.statuses(stack), problems);
      }
      case "rolled-back": {
        this.restore(stack, target, "rollback_completed", outcome.message ?? "update paused due to failure");
        const message = `Swarm rolled ${target.fullName} back: ${target.updateMessage}`;
        return fail("rolled-back", message, this.statuses(stack), []);
      }
      case "paused": {
        target.updateState = "paused";
        target.updateMessage = outcome.message ?? "update paused due to failure or early termination of task";
        target.running = 0;
        return fail(
          "paused",
          `Swarm paused the update of ${target.fullName}: ${target.updateMessage}`,
          this.statuses(stack),
          [],
        );
      }
      case "timeout": {
        target.running = 0;
        this.clock.set(Math.max(this.clock.now(), opts.deadline + 1));
        const waiting = [...stack.services.values()]
          .filter((s) => s.running !== s.desired)
          .map((s) => `${s.service} ${s.running}/${s.desired}`);
        return fail("timeout", `not healthy before the deadline (${waiting.join(", ")})`, this.statuses(stack), []);
      }
    }
  }

  async stackServices(name: string): Promise<ServiceStatus[]> {
    await this.call({ op: "stackServices", stack: name });
    const stack = this.stacks.get(name);
    return stack ? this.statuses(stack) : [];
  }

  async scaleService(fullName: string, replicas: number): Promise<void> {
    await this.call({ op: "scaleService", names: [fullName], arg: String(replicas) });
    for (const stack of this.stacks.values())
      for (const s of stack.services.values()) if (s.fullName === fullName) s.desired = replicas;
  }

  async rollbackServices(fullNames: string[]): Promise<void> {
    await this.call({ op: "rollbackServices", names: [...fullNames] });
    for (const fullName of fullNames)
      for (const stack of this.stacks.values())
        for (const s of stack.services.values())
          if (s.fullName === fullName) this.restore(stack, s, "rollback_completed", "manually requested rollback");
  }

  async removeStack(name: string, _opts: { deadline: number }): Promise<{ removedVolumes: string[] }> {
    await this.call({ op: "removeStack", stack: name });
    const stack = this.stacks.get(name);
    this.stacks.delete(name);
    for (const [secret, { labels }] of this.secrets) if (labels["berth.stack"] === name) this.secrets.delete(secret);
    return { removedVolumes: stack?.volumes ?? [] };
  }

  async inspectImages(refs: string[]): Promise<Record<string, { id: string; repoDigests: string[] }>> {
    await this.call({ op: "inspectImages", names: [...refs] });
    const out: Record<string, { id: string; repoDigests: string[] }> = {};
    for (const ref of refs) {
      const found =
        this.images.get(ref) ?? [...this.images.values()].find((i) => i.id === ref || i.repoDigests.includes(ref));
      if (!found) throw new Error(`docker image inspect failed (exit 1): Error: No such image: ${ref}`);
      out[ref] = { id: found.id, repoDigests: [...found.repoDigests] };
    }
    return out;
  }

  async buildImage(tag: string, dockerfile: string, context: Buffer): Promise<string> {
    await this.call({ op: "buildImage", arg: tag, names: [dockerfile, `${context.length} bytes`] });
    const id = `sha256:${sha256(Buffer.concat([Buffer.from(tag), context]))}`;
    this.images.set(tag, { id, repoDigests: [] });
    return id;
  }

  async pushImage(tag: string): Promise<string> {
    await this.call({ op: "pushImage", arg: tag });
    const image = this.images.get(tag);
    if (!image) throw new Error(`docker push ${tag} failed (exit 1): An image does not exist locally with the tag`);
    const digest = `${tag.replace(/:[^:/]+$/, "")}@sha256:${sha256(image.id)}`;
    if (!image.repoDigests.includes(digest)) image.repoDigests.push(digest);
    return digest;
  }

  async serviceLogs(fullName: string, tail: number): Promise<string[]> {
    await this.call({ op: "serviceLogs", arg: fullName });
    return (this.logs.get(fullName) ?? []).slice(-tail);
  }

  async liveEnvironments(repository: string): Promise<LiveEnvironment[]> {
    await this.call({ op: "liveEnvironments", arg: repository });
    return [...this.stacks.values()]
      .filter((s) => s.repository.toLowerCase() === repository.toLowerCase() && s.services.size > 0)
      .map((s) => ({
        environment: s.environment,
        stack: s.name,
        services: [...s.services.values()].map((x) => ({
          service: x.service,
          replicas: x.desired,
          cpus: x.cpus,
          memoryBytes: x.memoryBytes,
          reservedCpus: x.reservedCpus,
          reservedMemoryBytes: x.reservedMemoryBytes,
        })),
      }))
      .sort((a, b) => a.environment.localeCompare(b.environment));
  }

  async ensureSecret(name: string, value: string, labels: Record<string, string>): Promise<void> {
    await this.call({ op: "ensureSecret", arg: name });
    if (!this.secrets.has(name)) this.secrets.set(name, { value, labels: { ...labels } });
  }

  async removeStackSecrets(name: string, keep: readonly string[]): Promise<string[]> {
    await this.call({ op: "removeStackSecrets", stack: name, names: [...keep] });
    const inUse = new Set([...this.stacks.values()].flatMap((s) => s.secretRefs));
    const removed: string[] = [];
    for (const [secret, { labels }] of this.secrets) {
      if (labels["berth.stack"] !== name || keep.includes(secret) || inUse.has(secret)) continue;
      this.secrets.delete(secret);
      removed.push(secret);
    }
    return removed;
  }

  // ---- internals -------------------------------------------------------------------------------------------

  private statuses(stack: FakeStack): ServiceStatus[] {
    return [...stack.services.values()]
      .map(({ service, fullName, image, desired, running, updateState, updateMessage }) => ({
        service,
        fullName,
        image,
        desired,
        running,
        ...(updateState !== undefined ? { updateState } : {}),
        ...(updateMessage !== undefined ? { updateMessage } : {}),
      }))
      .sort((a, b) => a.service.localeCompare(b.service));
  }

  /** Swarm restores the service's previous spec; its tasks run again. */
  private restore(stack: FakeStack, service: FakeService, state: string, message: string): void {
    const before = stack.previous.get(service.service);
    if (before) Object.assign(service, { image: before.image, desired: before.desired });
    if (stack.previousSecretRefs) stack.secretRefs = stack.previousSecretRefs;
    service.running = service.desired;
    service.updateState = state;
    service.updateMessage = message;
  }
}

function fail(
  reason: Extract<StackOutcome, { ok: false }>["reason"],
  message: string,
  services: ServiceStatus[],
  problems: TaskProblem[],
): StackOutcome {
  return { ok: false, reason, message, services, problems };
}
