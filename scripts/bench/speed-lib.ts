// Pieces of `npm run bench`: floors by hand with the docker CLI on the manager, polling, Berth's own figures read
// from the stand-in and from its log lines. Traffic only to 127.0.0.1.
import { execFile, spawn } from "node:child_process";
import { promisify } from "node:util";
import { readFileSync } from "node:fs";
import { waitFor } from "../lib/wait-for.js";
import type { GitHubStandIn } from "../github-stand-in/index.js";
import type { RecordedRequest } from "../github-stand-in/state.js";

import { docker, stackLabel as label } from "../lib/docker-cli.js";

export { docker };
export { removeAndWait } from "../lib/stack-cleanup.js";

export const median = (xs: number[]) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]! : NaN);

export async function body(url: string): Promise<string | undefined> {
  try {
    return await (await fetch(url, { signal: AbortSignal.timeout(1000) })).text();
  } catch {
    return undefined;
  }
}

export async function servesSha(url: string, commit: string, timeoutMs = 240_000): Promise<void> {
  await waitFor(
    `${url} to serve ${commit.slice(0, 7)}`,
    async () => ((await body(url))?.includes(commit) ? true : undefined),
    timeoutMs,
    50,
  );
}

/** Until `n` answers in a row are the new SHA (the old one no longer answers). */
export async function onlyServes(url: string, commit: string, n = 10, timeoutMs = 240_000): Promise<void> {
  let streak = 0;
  await waitFor(
    `${url} to serve only ${commit.slice(0, 7)}`,
    async () => {
      streak = (await body(url))?.includes(commit) ? streak + 1 : 0;
      return streak >= n ? true : undefined;
    },
    timeoutMs,
    20,
  );
}

/**
 * Until `docker service ls` counts every service of the stack N/N — what a person deploying by hand waits for before
 * calling it healthy (with a healthcheck, Swarm counts a task only once it passed).
 */
export async function healthyByHand(stack: string, timeoutMs = 240_000): Promise<void> {
  await waitFor(
    `${stack} to run N/N`,
    () => {
      const replicas = docker("service", "ls", "--filter", label(stack), "--format", "{{.Replicas}}").split("\n");
      return replicas.length > 0 && replicas.every((r) => /^(\d+)\/\1\b/.test(r)) ? true : undefined;
    },
    timeoutMs,
    100,
  );
}

export function deployByHand(stack: string, yaml: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("docker", ["stack", "deploy", "--resolve-image", "never", "-c", "-", stack], {
      stdio: ["pipe", "ignore", "pipe"],
    });
    let err = "";
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`stack deploy ${stack}: ${err}`))));
    child.stdin.end(yaml);
  });
}

/** Polls `url` every 50 ms; counts failed requests (not 2xx, or no answer) until stopped. */
export function poller(url: string) {
  let stop = false;
  const stats = { total: 0, failed: 0 };
  const running = (async () => {
    while (!stop) {
      const t = performance.now();
      stats.total++;
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
        await res.text();
        if (!res.ok) stats.failed++;
      } catch {
        stats.failed++;
      }
      await new Promise((r) => setTimeout(r, Math.max(0, 50 - (performance.now() - t))));
    }
  })();
  return {
    stats,
    async stop() {
      stop = true;
      await running;
      return stats;
    },
  };
}

const CONTENT_WRITE = (r: RecordedRequest) =>
  r.method !== "GET" && !r.path.endsWith("/access_tokens") && r.status > 0 && r.status < 400;

/** First time (ms epoch) the stand-in saw a success for `sha`: check run concluded or deployment status. */
export function firstSuccessAt(github: GitHubStandIn, from: number, repo: string, sha: string): number | undefined {
  const deployments = new Set(
    [...github.state.deployments.values()].filter((d) => d.ref === sha).map((d) => String(d.id)),
  );
  const checks = new Set(
    [...github.state.checkRuns.values()].filter((c) => c.head_sha === sha).map((c) => String(c.id)),
  );
  for (const r of github.requests.slice(from)) {
    if (!r.path.startsWith(`/repos/${repo}/`)) continue;
    const check = /\/check-runs\/(\d+)$/.exec(r.path);
    if (r.method === "PATCH" && check && checks.has(check[1]!) && r.body?.conclusion === "success") return r.at;
    const status = /\/deployments\/(\d+)\/statuses$/.exec(r.path);
    if (r.method === "POST" && status && deployments.has(status[1]!) && r.body?.state === "success") return r.at;
  }
  return undefined;
}

/** Content-creating writes the stand-in accepted for one PR's deploy (its check runs, deployment, comment). */
export function writesFor(github: GitHubStandIn, from: number, repo: string): RecordedRequest[] {
  return github.requests.slice(from).filter((r) => r.path.startsWith(`/repos/${repo}/`) && CONTENT_WRITE(r));
}

/** Resident memory of a process in MB (VmRSS). */
const execFileAsync = promisify(execFile);

export function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : NaN;
}

/**
 * Local ports of the TCP connections `pid` holds to port `to` (ss -tnp). Asynchronous: `ss -p` reads all of /proc,
 * and a synchronous call every 100 ms stalled this process's own timers and sockets, which the webhook-ack figure
 * then counted as Berth's latency.
 */
export async function connectionsTo(pid: number, to: number): Promise<string[]> {
  const { stdout: out } = await execFileAsync("ss", ["-tnpH", "state", "all", `dport = :${to}`]);
  return out
    .split("\n")
    .filter((l) => l.includes(`pid=${pid},`))
    .map(
      (l) =>
        l
          .trim()
          .split(/\s+/)
          .find((f) => /:\d+$/.test(f)) ?? l,
    );
}

/** "preview is live" lines of Berth's JSON log: where each deploy's time went. */
export function liveLines(output: string): Array<{ time: number; pr: number; timings: Record<string, number> }> {
  return output
    .split("\n")
    .filter((l) => l.includes('"preview is live"'))
    .map((l) => JSON.parse(l) as { time: number; pr: number; timings: Record<string, number> });
}

export async function pool<T>(items: T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: width }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) await fn(item);
    }),
  );
}

/** Upper bucket bounds holding the given quantiles of a Prometheus histogram, summed over its labels. */
export function histogramQuantiles(text: string, name: string, qs: number[]): Record<number, number | "+Inf"> {
  const buckets = new Map<string, number>();
  for (const line of text.split("\n")) {
    const m = new RegExp(`^${name}_bucket\\{.*le="([^"]+)".*\\} (\\d+)`).exec(line);
    if (m) buckets.set(m[1]!, (buckets.get(m[1]!) ?? 0) + Number(m[2]));
  }
  const ordered = [...buckets.entries()].sort(([a], [b]) =>
    a === "+Inf" ? 1 : b === "+Inf" ? -1 : Number(a) - Number(b),
  );
  const total = ordered.at(-1)?.[1] ?? 0;
  const out: Record<number, number | "+Inf"> = {};
  for (const q of qs) {
    const hit = ordered.find(([, count]) => count >= q * total);
    out[q] = hit ? (hit[0] === "+Inf" ? "+Inf" : Number(hit[0])) : "+Inf";
  }
  return out;
}

/** Values of the unlabelled gauges whose names match. */
export function gauges(text: string, name: RegExp): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split("\n")) {
    const [metric, value] = line.split(" ");
    if (metric && value && !metric.startsWith("#") && name.test(metric)) out[metric] = Number(value);
  }
  return out;
}
