// HttpProbe without a network: every URL answers 200 unless a test says it fails; a failing probe uses up its
// deadline on the fake clock (the real one polls until then), so "timed out" costs no time.
import type { HttpProbe, ProbeResult } from "../../../app/ports/http-probe.js";
import type { FakeClock } from "./clock.js";

export class FakeHttpProbe implements HttpProbe {
  readonly probed: { url: string; deadline: number }[] = [];
  private readonly failing = new Map<string, { status?: number; detail: string }>();

  constructor(private readonly clock: FakeClock) {}

  /** The URL never answers 2xx: with `status` it answers that, without it the connection is refused. */
  fail(url: string, answer: { status?: number; detail?: string } = {}): void {
    this.failing.set(url, { status: answer.status, detail: answer.detail ?? "ECONNREFUSED" });
  }

  waitFor2xx(url: string, deadline: number): Promise<ProbeResult> {
    this.probed.push({ url, deadline });
    const started = this.clock.now();
    const failing = this.failing.get(url);
    if (!failing) return Promise.resolve({ ok: true, attempts: 1, status: 200, detail: "ok", elapsedMs: 0 });
    const attempts = Math.max(1, Math.ceil((deadline - started) / 500));
    this.clock.set(Math.max(started, deadline));
    return Promise.resolve({ ok: false, attempts, ...failing, elapsedMs: this.clock.now() - started });
  }
}
