// An sshd of the test's own, on its own port, set up like scripts/infra/up.sh's (same user, client key, docker
// group; host key given), so a test can stop it, restart it, or swap its host key without touching the shared one.
import { spawn, type ChildProcess } from "node:child_process";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createConnection } from "node:net";
import { waitFor } from "../../scripts/lib/wait-for.js";

export const SHARED_HOST_KEY = "/var/lib/berth-dev/ssh/host_ed25519";

export function newHostKey(): { path: string; publicKey: string } {
  const dir = mkdtempSync(join(tmpdir(), "berth-hostkey-"));
  const path = join(dir, "host_ed25519");
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "berth-fault-host", "-f", path]);
  return { path, publicKey: readFileSync(`${path}.pub`, "utf8").split(" ").slice(0, 2).join(" ") };
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ host: "127.0.0.1", port });
    s.once("connect", () => (s.destroy(), resolve(true)));
    s.once("error", () => resolve(false));
  });
}

/** Children of a process (sshd forks one per connection), from /proc: by parent PID, never by name. */
function descendantsOf(pid: number): number[] {
  const all: number[] = [];
  for (let level = childrenOf(pid); level.length > 0; level = level.flatMap(childrenOf)) all.push(...level);
  return all;
}

function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid) out.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

export class OwnSshd {
  private child?: ChildProcess;
  private readonly dir = mkdtempSync(join(tmpdir(), "berth-sshd-"));
  constructor(
    readonly port: number,
    private hostKeyPath = SHARED_HOST_KEY,
    private readonly dockerHost?: string,
  ) {}

  async start(hostKeyPath = this.hostKeyPath): Promise<void> {
    this.hostKeyPath = hostKeyPath;
    const config = join(this.dir, "sshd_config");
    writeFileSync(
      config,
      [
        `Port ${this.port}`,
        "ListenAddress 127.0.0.1",
        `HostKey ${hostKeyPath}`,
        `PidFile ${join(this.dir, "sshd.pid")}`,
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "PubkeyAuthentication yes",
        "PermitRootLogin no",
        "AllowUsers berth",
        "UsePAM no",
        "MaxSessions 64",
        ...(this.dockerHost ? [`SetEnv DOCKER_HOST=${this.dockerHost}`] : []),
        "LogLevel ERROR",
        "",
      ].join("\n"),
    );
    this.child = spawn("/usr/sbin/sshd", ["-D", "-f", config, "-E", join(this.dir, "sshd.log")], { stdio: "ignore" });
    const child = this.child;
    process.once("exit", () => child.kill("SIGKILL"));
    await waitFor(
      `sshd on 127.0.0.1:${this.port}`,
      async () => ((await listening(this.port)) ? true : undefined),
      10_000,
      100,
    );
  }

  /** Down hard: the listener and every connection it forked, as when the host's sshd dies or restarts. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child?.pid || child.exitCode !== null) return;
    // The whole tree: a connection's [priv] monitor is the listener's child, but the session process that holds the
    // TCP connection (berth@notty) and the commands it runs are its children. Killing only the monitors left those
    // sessions alive and their connections open — a half-dead sshd no real failure produces, on which Berth's
    // long-lived channels (docker system dial-stdio) kept working while new execs failed.
    const kids = descendantsOf(child.pid);
    child.kill("SIGKILL");
    for (const pid of kids) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    await waitFor(
      "sshd to stop",
      () => (child.exitCode !== null || child.signalCode !== null ? true : undefined),
      10_000,
      50,
    );
    await waitFor(
      `port ${this.port} closed`,
      async () => ((await listening(this.port)) ? undefined : true),
      10_000,
      100,
    );
  }
}
