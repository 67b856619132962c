import type { EdgeProbe } from "./edge-router.js";

export interface ProbeResult {
  ok: boolean;
  attempts: number;
  status?: number;
  /** First bytes of the last answer, or the last network error */
  detail: string;
  elapsedMs: number;
}

/** Polls a URL until it answers 2xx or the deadline passes; `via` probes through the Caddy edge. */
export interface HttpProbe {
  waitFor2xx(url: string, deadline: number, via?: EdgeProbe): Promise<ProbeResult>;
}
