import type { HttpProbe, ProbeResult } from "../ports/http-probe.js";
import type { Clock } from "../ports/clock.js";
import type { EdgeProbe } from "../ports/edge-router.js";
import { getVia } from "./caddy/probe-via.js";

const ATTEMPT_TIMEOUT_MS = 3_000;
const INTERVAL_MS = 500;

/** Probes with Node's fetch; each attempt bounded, the loop bounded by the deadline. */
export function createHttpProbe(clock: Clock): HttpProbe {
  return {
    async waitFor2xx(url: string, deadline: number, via?: EdgeProbe): Promise<ProbeResult> {
      const started = clock.now();
      let attempts = 0;
      let status: number | undefined;
      let detail = "no attempt made before the deadline";
      while (attempts === 0 || clock.now() < deadline) {
        attempts += 1;
        try {
          const timeoutMs = Math.max(250, Math.min(ATTEMPT_TIMEOUT_MS, deadline - clock.now()));
          const res = via
            ? await getVia(url, via, timeoutMs)
            : await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: "manual" }).then(async (r) => ({
                status: r.status,
                body: await r.text(),
              }));
          status = res.status;
          detail = res.body.slice(0, 200);
          if (res.status >= 200 && res.status < 300) {
            return { ok: true, attempts, status, detail, elapsedMs: clock.now() - started };
          }
        } catch (err) {
          status = undefined;
          const cause = (err as { cause?: { code?: string } }).cause;
          detail = cause?.code ?? (err as Error).message;
        }
        if (clock.now() + INTERVAL_MS >= deadline) break;
        await clock.sleep(INTERVAL_MS);
      }
      return { ok: false, attempts, status, detail, elapsedMs: clock.now() - started };
    },
  };
}
