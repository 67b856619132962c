import { describe, expect, it } from "vitest";
import { failoverPool, managersOf } from "../../app/adapters/ssh/failover.js";
import type { SshPool } from "../../app/adapters/ssh/pool.js";
import type { SshTarget } from "../../app/core/config/types.js";
import { HostKeyMismatchError, SshUnreachableError } from "../../app/errors.js";
import { serviceTable } from "../../app/core/report/service-table.js";

const target: SshTarget = {
  host: "m1",
  port: 22,
  user: "berth",
  privateKeyPath: "/k",
  hostKey: "ssh-ed25519 AAAA",
  hosts: [
    { host: "m2", port: 2222 },
    { host: "m3", port: 22, hostKey: "ssh-ed25519 BBBB" },
  ],
};

function fakePool(behaviour: Record<string, "down" | "ok" | "badkey">) {
  const calls: string[] = [];
  const pool: SshPool = {
    async exec(t) {
      calls.push(t.host);
      const b = behaviour[t.host];
      if (b === "down") throw new SshUnreachableError(`${t.host}:${t.port}`, `SSH to ${t.host} failed: ECONNREFUSED`);
      if (b === "badkey") throw new HostKeyMismatchError(`${t.host}:${t.port}`, t.hostKey, "SHA256:x");
      return { code: 0, stdout: t.host, stderr: "" };
    },
    connectionsOpened: () => 0,
    closeAll: async () => undefined,
  };
  return { pool, calls };
}

describe("several managers", () => {
  it("lists ssh.host first, then ssh.hosts with the primary's user, key path and (default) host key", () => {
    expect(managersOf(target).map((m) => [m.host, m.port, m.hostKey, m.user])).toEqual([
      ["m1", 22, "ssh-ed25519 AAAA", "berth"],
      ["m2", 2222, "ssh-ed25519 AAAA", "berth"],
      ["m3", 22, "ssh-ed25519 BBBB", "berth"],
    ]);
  });

  it("skips an unreachable manager and sticks to the one that answered", async () => {
    const { pool, calls } = fakePool({ m1: "down", m2: "ok", m3: "ok" });
    const p = failoverPool(pool);
    expect((await p.exec(target, ["docker", "info"])).stdout).toBe("m2");
    expect((await p.exec(target, ["docker", "info"])).stdout).toBe("m2");
    expect(calls).toEqual(["m1", "m2", "m2"]);
  });

  it("never fails over on a host key mismatch", async () => {
    const { pool, calls } = fakePool({ m1: "badkey", m2: "ok" });
    await expect(failoverPool(pool).exec(target, ["docker", "info"])).rejects.toBeInstanceOf(HostKeyMismatchError);
    expect(calls).toEqual(["m1"]);
  });

  it("all unreachable: one retryable error naming every manager", async () => {
    const { pool } = fakePool({ m1: "down", m2: "down", m3: "down" });
    await expect(failoverPool(pool).exec(target, ["docker", "info"])).rejects.toThrow(/m1.*m2.*m3/);
  });
});

describe("service table", () => {
  it("adds a nodes column when the nodes are known, counting tasks per node", () => {
    expect(
      serviceTable([
        { service: "api", fullName: "s_api", image: "i", desired: 2, running: 2, nodes: ["mgr", "mgr"] },
        { service: "web", fullName: "s_web", image: "i", desired: 1, running: 1, nodes: ["node2"] },
      ]),
    ).toEqual([
      "| service | running/desired | nodes |",
      "|---|---|---|",
      "| api | 2/2 | mgr ×2 |",
      "| web | 1/1 | node2 |",
    ]);
    expect(serviceTable([{ service: "web", fullName: "s_web", image: "i", desired: 1, running: 1 }])).toEqual([
      "| service | running/desired |",
      "|---|---|",
      "| web | 1/1 |",
    ]);
  });
});
