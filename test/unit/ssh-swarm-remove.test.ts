// Tearing a stack down when someone else is removing it too (an operator's `docker stack rm`, a second teardown):
// Swarm answers "not found" for what is already gone, and lists a network for a while after it began deleting it.
// That is what was asked for, so the teardown goes on and checks by listing that everything is gone; any other
// complaint still fails it. A scripted SSH pool stands in for the manager.
import { describe, expect, it } from "vitest";
import { createSshSwarm } from "../../app/adapters/swarm/ssh-swarm.js";
import type { SshPool } from "../../app/adapters/ssh/pool.js";
import type { SshTarget } from "../../app/core/config/types.js";

const target: SshTarget = { host: "m1", port: 22, user: "berth", privateKeyPath: "/k", hostKey: "ssh-ed25519 AAAA" };
const STACK = "shop-pr-7";

function scripted(rm: { code: number; stdout: string; stderr: string }) {
  const calls: string[] = [];
  let removed = false;
  const pool: SshPool = {
    async exec(_t, argv) {
      const cmd = argv.slice(0, 3).join(" ");
      calls.push(cmd);
      const ok = (stdout: string) => ({ code: 0, stdout, stderr: "" });
      if (cmd === "docker stack rm") {
        removed = true;
        return rm;
      }
      if (cmd === "docker service ls") return ok(removed ? "" : "svc1\n");
      if (cmd === "docker network ls") return ok(removed ? "" : "net1\n");
      if (cmd.startsWith("docker node ls")) return ok("n1 vm\n");
      return ok("");
    },
    connectionsOpened: () => 0,
    closeAll: async () => undefined,
  };
  return { pool, calls };
}

describe("removeStack while something else removes the same stack", () => {
  it("a stack rm that only says its network is already gone counts as done once nothing is listed", async () => {
    const { pool, calls } = scripted({
      code: 1,
      stdout: `Removing service ${STACK}_web\nRemoving network ${STACK}_berth\n`,
      stderr:
        "Failed to remove network net1: Error response from daemon: network net1 not found" +
        `failed to remove some resources from stack: ${STACK}\n`,
    });
    const swarm = createSshSwarm(target, pool);
    await expect(swarm.removeStack(STACK, { deadline: Date.now() + 5_000 })).resolves.toEqual({ removedVolumes: [] });
    expect(calls).toContain("docker stack rm");
  });

  it("any other complaint still fails the teardown, with Swarm's words", async () => {
    const { pool } = scripted({
      code: 1,
      stdout: "",
      stderr:
        "Failed to remove service svc1: Error response from daemon: rpc error: code = Unknown desc = permission denied\n" +
        `failed to remove some resources from stack: ${STACK}\n`,
    });
    const swarm = createSshSwarm(target, pool);
    await expect(swarm.removeStack(STACK, { deadline: Date.now() + 5_000 })).rejects.toThrow(/permission denied/);
  });
});
