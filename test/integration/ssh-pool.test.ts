// The SSH pool against the real sshd on 127.0.0.1:2222: pinned host key, one connection for many commands,
// hostile arguments arriving as single argv entries.
import { afterAll, describe, expect, it } from "vitest";
import { createSshPool } from "../../app/adapters/ssh/pool.js";
import { HostKeyMismatchError, TransientError } from "../../app/errors.js";
import { sshTarget } from "../helpers/infra.js";

const pool = createSshPool();
afterAll(() => pool.closeAll());

describe("SSH pool (real sshd)", () => {
  it("runs docker on the manager through the pinned connection", async () => {
    const r = await pool.exec(sshTarget(), ["docker", "info", "--format", "{{.Swarm.LocalNodeState}}"]);
    expect(r).toMatchObject({ code: 0, stdout: "active\n" });
  });

  it("refuses a host whose key does not match the pinned one, before running anything", async () => {
    const other = createSshPool();
    const target = {
      ...sshTarget(),
      hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOtAlH1ADexkKR/zhYzPmRqom2ZyAaXHlWWFCEMPLRsX",
    };
    await expect(other.exec(target, ["touch", "/tmp/berth-should-not-exist"])).rejects.toBeInstanceOf(
      HostKeyMismatchError,
    );
    await other.closeAll();
  });

  it("accepts the pinned key given as a SHA256 fingerprint", async () => {
    const { execFileSync } = await import("node:child_process");
    const fp = execFileSync("ssh-keygen", ["-l", "-f", "/var/lib/berth-dev/ssh/host_ed25519.pub"])
      .toString()
      .split(" ")[1]!;
    const other = createSshPool();
    const r = await other.exec({ ...sshTarget(), hostKey: fp }, ["true"]);
    expect(r.code).toBe(0);
    await other.closeAll();
  });

  it("passes hostile tokens as single arguments: nothing is interpreted by the remote shell", async () => {
    const hostile = [
      "'; touch /tmp/berth-pwned; '",
      "$(touch /tmp/berth-pwned)",
      "`id`",
      "a b\tc",
      '"quoted"',
      "*",
      "--flag=$HOME",
    ];
    const r = await pool.exec(sshTarget(), ["printf", "%s\\n", ...hostile]);
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n").slice(0, -1)).toEqual(hostile);
    const check = await pool.exec(sshTarget(), ["test", "-e", "/tmp/berth-pwned"]);
    expect(check.code).toBe(1);
  });

  it("an unreachable manager is a transient error (the queue retries it)", async () => {
    const other = createSshPool({ connectTimeoutMs: 2000 });
    const err = await other.exec({ ...sshTarget(), port: 1 }, ["true"]).catch((e) => e);
    expect(err).toBeInstanceOf(TransientError);
    expect(err.message).toMatch(/ECONNREFUSED/);
    await other.closeAll();
  });

  it("refuses newlines in arguments", async () => {
    await expect(pool.exec(sshTarget(), ["echo", "a\nrm -rf /"])).rejects.toThrow(/newline/);
  });

  it("reuses one TCP connection for 20 parallel commands", async () => {
    const fresh = createSshPool();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => fresh.exec(sshTarget(), ["echo", String(i)])),
    );
    expect(results.map((r) => r.stdout.trim())).toEqual(Array.from({ length: 20 }, (_, i) => String(i)));
    expect(fresh.connectionsOpened()).toBe(1);
    await fresh.closeAll();
  });
});
