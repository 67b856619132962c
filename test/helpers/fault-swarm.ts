// The two-node fault Swarm (scripts/infra/node2.sh): its manager's dockerd in berth-mgr, a worker in berth-node2.
// Templates that place tasks on it, and helpers to see where tasks run and to stop/start a node's dockerd.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { REPO_ROOT } from "../../scripts/lib/berth-process.js";
import { waitFor } from "../../scripts/lib/wait-for.js";
import { docker, faultEnv } from "./fault-bot.js";

export const NODE2_SCRIPT = join(REPO_ROOT, "scripts/infra/node2.sh");

export function faultSwarmAvailable(): boolean {
  return Boolean(faultEnv().BERTH_FAULT_DOCKER_HOST);
}

export const mgrDocker = (args: string[]) => docker(args, faultEnv().BERTH_FAULT_DOCKER_HOST);

/** The fault Swarm as a deploy config's ssh block and probe host. */
export const FAULT_SWARM_SSH = { port: "${BERTH_FAULT_SSH_PORT}" } as const;
export const FAULT_PROBE_HOST = "${BERTH_FAULT_PROBE_HOST}";

const HEALTH = `    healthcheck:
      test: ["CMD", "busybox", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:{{port}}{{health_path}}"]
      interval: 2s
      timeout: 3s
      retries: 3
      start_period: 5s
`;

/** web: 2 replicas, at most one per node (and its host-mode port allows no other way). */
export const SPREAD_TEMPLATE = `version: "3.8"
services:
  web:
    image: "{{app}}-web:{{short_sha}}"
${HEALTH}    deploy:
      placement:
        max_replicas_per_node: 1
`;

/** web pinned to the manager (its URL is the manager's port); api spread over both nodes. */
export const TWO_NODE_TEMPLATE = `version: "3.8"
services:
  web:
    image: "{{app}}-web:{{short_sha}}"
${HEALTH}    deploy:
      placement:
        constraints: ["node.labels.berth.node == mgr"]
  api:
    image: "{{app}}-api:{{short_sha}}"
${HEALTH}    deploy:
      placement:
        preferences: [{ spread: node.labels.berth.node }]
`;

/** Node host name per running task of a service, sorted. */
export function runningNodes(service: string): string[] {
  return mgrDocker([
    "service",
    "ps",
    service,
    "--filter",
    "desired-state=running",
    "--format",
    "{{.Node}} {{.CurrentState}}",
  ])
    .split("\n")
    .filter((l) => / Running /.test(` ${l} `))
    .map((l) => l.split(" ")[0]!)
    .sort();
}

export function node2(action: "stop" | "start", node: "node2" | "mgr" = "node2"): void {
  execFileSync("bash", [NODE2_SCRIPT, action, node], { stdio: "ignore", timeout: 120_000 });
}

export async function waitNodeReady(hostname: string, timeoutMs = 120_000): Promise<void> {
  await waitFor(
    `${hostname} Ready`,
    () => {
      try {
        return mgrDocker(["node", "ls", "--format", "{{.Hostname}} {{.Status}}"]).includes(`${hostname} Ready`)
          ? true
          : undefined;
      } catch {
        return undefined; // the manager's dockerd is still starting
      }
    },
    timeoutMs,
    1000,
  );
}
