// Sends Berth's GitHub writes for each installation, in place of Octokit's one-size throttling (which spaces every
// write ≥ 1 s, comments 3 s, and makes a final state wait behind progress updates).
//
// - Final states go first; a progress write overtaken by a newer one for the same subject is never sent; a subject
//   gets at most one progress write every `progressIntervalMs`, and none once its final state is queued.
// - Pacing stays ahead of GitHub's secondary limits (80 content-creating writes a minute, 500 an hour per
//   installation) with a little headroom; when the hour runs short, progress and then comments are dropped — never
//   a final state.
// - A 403/429 with retry-after pauses the installation for exactly that long, then the same write goes again.
// - Finals and comments are kept in a store (Redis) until sent, so a crash or restart does not lose them; writes of
//   one subject go out in the order they were queued.
// Callers enqueue and move on: nothing here makes a deploy wait.
import type { Logger } from "pino";
import type { Clock } from "../../ports/clock.js";
import { WriteBudget, GITHUB_WRITE_LIMITS, type WriteLimits } from "./write-budget.js";
import type { PendingWriteStore, ScheduledWrite, WriteClass, WriteTransport } from "./write-scheduler-types.js";

export interface WriteSchedulerOptions<P> {
  transport: WriteTransport<P>;
  store: PendingWriteStore<P>;
  clock: Clock;
  log: Logger;
  /** GitHub's limits; pacing stays `headroom` writes below each. */
  limits?: WriteLimits;
  headroom?: { perMinute: number; perHour: number };
  progressIntervalMs?: number;
  /** Hourly writes kept free for final states (beyond the finals already queued) before progress is dropped. */
  progressReserve?: number;
  /** Likewise before comment edits are dropped (smaller: a comment is worth more than a progress tick). */
  commentReserve?: number;
  /** How often the store's claim is renewed and writes of dead processes are taken over. */
  heartbeatMs?: number;
}

export interface WriteStats {
  sent: Record<WriteClass, number>;
  superseded: number;
  dropped: Record<WriteClass, number>;
  retriedAfter: number[];
  pending: number;
}

const PRIORITY: Record<WriteClass, number> = { final: 0, comment: 1, progress: 2 };
const PERSISTED: ReadonlySet<WriteClass> = new Set(["final", "comment"]);
const FINALIZED_MEMORY_MS = 3_600_000;

interface InstallationQueue<P> {
  id: number;
  pending: Array<ScheduledWrite<P>>;
  budget: WriteBudget;
  lastSent: Map<string, number>;
  /** Per comment subject, when the newest body already sent was queued. */
  sentUpTo: Map<string, number>;
  finalized: Map<string, number>;
  notBefore: Map<string, number>;
  attempts: Map<string, number>;
  pausedUntil: number;
  running: boolean;
  wake?: () => void;
}

export class WriteScheduler<P> {
  private readonly queues = new Map<number, InstallationQueue<P>>();
  private readonly limits: WriteLimits;
  private readonly progressIntervalMs: number;
  private readonly progressReserve: number;
  private readonly commentReserve: number;
  private seq = 0;
  private closed = false;
  private heartbeat?: ReturnType<typeof setInterval>;
  private idleWaiters: Array<() => void> = [];
  readonly stats: WriteStats = {
    sent: { final: 0, comment: 0, progress: 0 },
    superseded: 0,
    dropped: { final: 0, comment: 0, progress: 0 },
    retriedAfter: [],
    pending: 0,
  };

  constructor(private readonly opts: WriteSchedulerOptions<P>) {
    const limits = opts.limits ?? GITHUB_WRITE_LIMITS;
    const headroom = opts.headroom ?? { perMinute: 2, perHour: 5 };
    this.limits = { perMinute: limits.perMinute - headroom.perMinute, perHour: limits.perHour - headroom.perHour };
    this.progressIntervalMs = opts.progressIntervalMs ?? 10_000;
    this.progressReserve = opts.progressReserve ?? Math.ceil(limits.perHour * 0.25);
    this.commentReserve = opts.commentReserve ?? Math.ceil(limits.perHour * 0.1);
  }

  /** Takes over what a previous process left, then keeps the claim alive (real timers: a process concern). */
  async start(): Promise<void> {
    await this.recover();
    const every = this.opts.heartbeatMs ?? 5_000;
    this.heartbeat = setInterval(() => {
      void this.opts.store
        .heartbeat()
        .then(() => this.recover())
        .catch((err) => this.opts.log.warn({ err }, "GitHub write store heartbeat failed"));
    }, every);
    this.heartbeat.unref();
  }

  async recover(): Promise<void> {
    const recovered = await this.opts.store.recover();
    if (recovered.length === 0) return;
    this.opts.log.info({ writes: recovered.length }, "resuming GitHub writes a previous process left pending");
    for (const w of recovered.sort(byQueueOrder)) this.insert(w);
  }

  /** Queues a write; resolves once it is safe (finals and comments are in the store), never when it is sent. */
  async enqueue(installationId: number, subject: string, cls: WriteClass, payload: P): Promise<void> {
    if (this.closed) throw new Error("GitHub write scheduler is closed");
    const seq = ++this.seq;
    const write: ScheduledWrite<P> = {
      id: `${this.opts.clock.now().toString(36)}-${process.pid}-${seq.toString(36)}`,
      installationId,
      subject,
      class: cls,
      payload,
      enqueuedAt: this.opts.clock.now(),
      seq,
    };
    if (PERSISTED.has(cls)) await this.opts.store.save(write);
    this.insert(write);
  }

  private queue(installationId: number): InstallationQueue<P> {
    let q = this.queues.get(installationId);
    if (!q) {
      q = {
        id: installationId,
        pending: [],
        budget: new WriteBudget(this.limits),
        lastSent: new Map(),
        sentUpTo: new Map(),
        finalized: new Map(),
        notBefore: new Map(),
        attempts: new Map(),
        pausedUntil: 0,
        running: false,
      };
      this.queues.set(installationId, q);
    }
    return q;
  }

  private insert(write: ScheduledWrite<P>): void {
    const q = this.queue(write.installationId);
    const now = this.opts.clock.now();
    if (write.class === "progress" && q.finalized.has(write.subject)) {
      this.stats.superseded++; // the deploy it describes is over
      return;
    }
    // A comment taken over from a dead process when a newer body is already sent or queued would put the older
    // picture back: the newer one wins, whichever arrived here first.
    if (
      write.class === "comment" &&
      ((q.sentUpTo.get(write.subject) ?? -Infinity) > write.enqueuedAt ||
        q.pending.some((p) => p.subject === write.subject && p.class === "comment" && byQueueOrder(p, write) > 0))
    ) {
      this.forget(q, write, "superseded");
      return;
    }
    // A newer write for the subject makes a pending progress write (and, for comments, a pending body) pointless.
    const superseded = q.pending.filter(
      (p) =>
        p.subject === write.subject && (p.class === "progress" || (p.class === "comment" && write.class === "comment")),
    );
    for (const p of superseded) this.forget(q, p, "superseded");
    if (write.class === "final") q.finalized.set(write.subject, now);
    q.pending.push(write);
    q.pending.sort(byQueueOrder);
    this.stats.pending = this.countPending();
    this.run(q);
  }

  private forget(q: InstallationQueue<P>, w: ScheduledWrite<P>, why: "superseded" | "dropped" | "sent"): void {
    q.pending = q.pending.filter((p) => p.id !== w.id);
    q.notBefore.delete(w.id);
    q.attempts.delete(w.id);
    if (why === "superseded") this.stats.superseded++;
    if (why === "dropped") this.stats.dropped[w.class]++;
    if (why === "sent") this.stats.sent[w.class]++;
    if (PERSISTED.has(w.class)) {
      void this.opts.store
        .remove(w)
        .catch((err) => this.opts.log.warn({ err, write: w.id }, "could not forget a GitHub write"));
    }
    this.stats.pending = this.countPending();
  }

  private countPending(): number {
    let n = 0;
    for (const q of this.queues.values()) n += q.pending.length;
    return n;
  }

  private run(q: InstallationQueue<P>): void {
    if (q.wake) q.wake();
    if (q.running || this.closed) return;
    q.running = true;
    void this.loop(q)
      .catch((err) => this.opts.log.error({ err, installation: q.id }, "GitHub write loop failed"))
      .finally(() => {
        q.running = false;
        if (q.pending.length > 0 && !this.closed) this.run(q);
        else this.notifyIdle();
      });
  }

  private async loop(q: InstallationQueue<P>): Promise<void> {
    const clock = this.opts.clock;
    while (!this.closed && q.pending.length > 0) {
      const now = clock.now();
      if (q.pausedUntil > now) {
        // GitHub said when: nothing goes before that, whatever arrives meanwhile.
        await clock.sleep(q.pausedUntil - now);
        continue;
      }
      const choice = this.pick(q, now);
      if ("waitMs" in choice) {
        await this.sleepOrWake(q, choice.waitMs);
        continue;
      }
      await this.send(q, choice.write);
    }
  }

  private pick(q: InstallationQueue<P>, now: number): { write: ScheduledWrite<P> } | { waitMs: number } {
    for (;;) {
      const slotWait = q.budget.waitMs(now);
      if (slotWait > 0) return { waitMs: slotWait };
      const heads = new Map<string, ScheduledWrite<P>>();
      for (const w of q.pending) if (!heads.has(w.subject)) heads.set(w.subject, w);
      const candidates = [...heads.values()].sort(
        (a, b) => PRIORITY[a.class] - PRIORITY[b.class] || byQueueOrder(a, b),
      );
      const finalsPending = q.pending.filter((w) => w.class === "final").length;
      // A final may need two writes (a deployment and its status): keep room for all of them.
      const spare = q.budget.hourLeft(now) - 2 * finalsPending;
      let wait = Number.POSITIVE_INFINITY;
      let dropped = false;
      for (const w of candidates) {
        const reserve =
          w.class === "progress" ? this.progressReserve : w.class === "comment" ? this.commentReserve : -Infinity;
        if (spare <= reserve) {
          this.opts.log.warn(
            { installation: q.id, subject: w.subject, class: w.class, hourLeft: q.budget.hourLeft(now) },
            "hourly GitHub write budget short: dropping a non-final write",
          );
          this.forget(q, w, "dropped");
          dropped = true;
          break;
        }
        const notBefore = q.notBefore.get(w.id) ?? 0;
        const last = q.lastSent.get(w.subject);
        const progressAt = w.class === "progress" && last !== undefined ? last + this.progressIntervalMs : 0;
        const at = Math.max(notBefore, progressAt);
        if (at > now) {
          wait = Math.min(wait, at - now);
          continue;
        }
        return { write: w };
      }
      if (dropped) continue;
      return { waitMs: wait };
    }
  }

  private async send(q: InstallationQueue<P>, w: ScheduledWrite<P>): Promise<void> {
    const clock = this.opts.clock;
    const permit = async () => {
      for (let wait = q.budget.waitMs(clock.now()); wait > 0; wait = q.budget.waitMs(clock.now()))
        await clock.sleep(wait);
      q.budget.record(clock.now());
    };
    try {
      const outcome = await this.opts.transport.send(w, permit);
      q.lastSent.set(w.subject, clock.now());
      if (w.class === "comment") q.sentUpTo.set(w.subject, Math.max(w.enqueuedAt, q.sentUpTo.get(w.subject) ?? 0));
      if (outcome === "again" && w.class === "progress") return;
      this.forget(q, w, "sent");
      this.pruneFinalized(q, clock.now());
    } catch (err) {
      const e = err as { retryable?: boolean; retryAfterMs?: number; message?: string };
      if (e.retryable && e.retryAfterMs !== undefined) {
        q.pausedUntil = clock.now() + e.retryAfterMs;
        this.stats.retriedAfter.push(e.retryAfterMs);
        this.opts.log.warn({ installation: q.id, waitMs: e.retryAfterMs }, "GitHub asked to wait; pausing writes");
        return;
      }
      if (e.retryable) {
        const attempt = (q.attempts.get(w.id) ?? 0) + 1;
        q.attempts.set(w.id, attempt);
        const backoff = Math.min(60_000, 1000 * 2 ** (attempt - 1));
        q.notBefore.set(w.id, clock.now() + backoff);
        this.opts.log.warn({ err: e.message, write: w.subject, attempt, backoff }, "GitHub write failed; will retry");
        return;
      }
      // GitHub refused it for good (404, 422): sending it again cannot help.
      this.opts.log.error({ err: e.message, write: w.subject, class: w.class }, "GitHub refused a write");
      this.forget(q, w, "dropped");
    }
  }

  private pruneFinalized(q: InstallationQueue<P>, now: number): void {
    for (const [subject, at] of q.finalized) if (at < now - FINALIZED_MEMORY_MS) q.finalized.delete(subject);
  }

  private async sleepOrWake(q: InstallationQueue<P>, ms: number): Promise<void> {
    const woken = new Promise<void>((resolve) => (q.wake = resolve));
    if (Number.isFinite(ms)) await Promise.race([this.opts.clock.sleep(ms), woken]);
    else await woken;
    q.wake = undefined;
  }

  private notifyIdle(): void {
    if (this.countPending() > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  /** Resolves when nothing is pending (tests, benchmarks and a graceful shutdown). */
  idle(): Promise<void> {
    if (this.countPending() === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Writes sent in the last hour for an installation (for /metrics-like reporting and the benchmark). */
  sentInLastHour(installationId: number): number {
    return this.queues.get(installationId)?.budget.sentInLastHour(this.opts.clock.now()) ?? 0;
  }

  /** Stops sending; what is pending stays in the store for the next process. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    for (const q of this.queues.values()) q.wake?.();
    await this.opts.store.close();
  }
}

function byQueueOrder<P>(a: ScheduledWrite<P>, b: ScheduledWrite<P>): number {
  return a.enqueuedAt - b.enqueuedAt || a.seq - b.seq;
}
