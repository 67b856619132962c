// The bench's "healthy → registered" row: real preview deploys with BERTH_DISCOVERY=etcd, the entry watched in etcd
// itself (etcd3 watch, this process's clock) against the job's healthy moment (its "registered in the service
// registry" log line: time − registeredMs, the instant it started registering after the probe passed). Both clocks
// are this host's. Also: PR closed → the entry's deletion seen by the same watch.
import { Etcd3 } from "etcd3";
import { waitFor } from "../lib/wait-for.js";

interface RegisteredLine {
  time: number;
  stack: string;
  registeredMs: number;
}

function registeredLines(output: string): RegisteredLine[] {
  return output
    .split("\n")
    .filter((l) => l.includes('"registered in the service registry"'))
    .map((l) => JSON.parse(l) as RegisteredLine);
}

export async function registeredAfterHealthy(opts: {
  runs: number;
  endpoint: string;
  repository: string;
  environment: string;
  output: () => string;
  /** Opens the PR at `commit`; resolves with PR opened → first success reported (ms). */
  deploy: (commit: string) => Promise<number>;
  teardown: (commit: string) => Promise<void>;
  sha: () => string;
}) {
  const etcd = new Etcd3({ hosts: `http://${opts.endpoint}` });
  const prefix = `berth/services/${opts.repository.toLowerCase()}/${opts.environment}/`;
  const puts: { at: number; sha: string }[] = [];
  const deletes: number[] = [];
  const watcher = await etcd.watch().prefix(prefix).create();
  watcher.on("put", (kv) => {
    const at = Date.now();
    try {
      puts.push({ at, sha: (JSON.parse(kv.value.toString()) as { meta: { sha: string } }).meta.sha });
    } catch {
      // not an entry
    }
  });
  watcher.on("delete", () => deletes.push(Date.now()));
  const figures = {
    healthyToRegistered: [] as number[],
    jobRegisteredMs: [] as number[],
    /** Puts of the commit before the job was healthy (the keeper registering a converging stack: must be 0). */
    registeredBeforeHealthy: [] as number[],
    deploy: [] as number[],
    closedToDeregistered: [] as number[],
  };
  try {
    for (let i = 0; i < opts.runs; i++) {
      const commit = opts.sha();
      const before = registeredLines(opts.output()).length;
      figures.deploy.push(await opts.deploy(commit));
      const line = await waitFor(
        "the job's registration log line",
        () => registeredLines(opts.output())[before],
        60_000,
        20,
      );
      const healthyAt = line.time - line.registeredMs;
      // The job's own write: the first put of this commit from its healthy moment on.
      const put = await waitFor(
        "the entry in etcd",
        () => puts.find((p) => p.sha === commit && p.at >= healthyAt),
        60_000,
        5,
      );
      figures.healthyToRegistered.push(put.at - healthyAt);
      figures.registeredBeforeHealthy.push(puts.filter((p) => p.sha === commit && p.at < healthyAt).length);
      figures.jobRegisteredMs.push(line.registeredMs);
      const closedAt = Date.now();
      await opts.teardown(commit);
      const gone = await waitFor("the entry's deletion", () => deletes.find((d) => d >= closedAt), 120_000, 5);
      figures.closedToDeregistered.push(gone - closedAt);
    }
  } finally {
    await watcher.cancel();
    etcd.close();
  }
  return figures;
}
