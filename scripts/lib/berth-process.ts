// Starts the real Berth process (server + worker, `app/main/start.ts`) as a child, the way `npm start` does, and
// stops it by its own PID. Used by the demo, the e2e tests and the benchmark.
import { spawn, type ChildProcess } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { createServer } from "node:net";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { dirname, resolve } from "node:path";

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

export interface BerthProcess {
  url: string; // http://127.0.0.1:PORT
  webhookUrl: string;
  webhookSecret: string;
  queuePrefix: string;
  child: ChildProcess;
  output: () => string; // everything it printed so far
  stop(): Promise<number | null>;
}

export async function freePort(): Promise<number> {
  const srv = createServer();
  srv.listen(0, "127.0.0.1");
  await once(srv, "listening");
  const port = (srv.address() as { port: number }).port;
  srv.close();
  return port;
}

/** An RSA key for the test app: the stand-in checks the JWT Probot signs with it. */
export function testAppKey(): string {
  return generateKeyPairSync("rsa", { modulusLength: 2048 })
    .privateKey.export({ type: "pkcs1", format: "pem" })
    .toString();
}

export async function startBerth(opts: {
  githubHost: string; // 127.0.0.1:PORT of the stand-in
  extraEnv?: Record<string, string>;
  infraEnv: Record<string, string>;
  appId?: number;
  privateKey?: string;
  logLevel?: string;
  echo?: boolean;
  /** app/main/start.ts (server + worker, default), start-server.ts or start-worker.ts */
  entry?: "start.ts" | "start-server.ts" | "start-worker.ts";
  /** Share these with another process to make a server/worker pair. */
  webhookSecret?: string;
  queuePrefix?: string;
  /** Extra node flags (e.g. --cpu-prof, which NODE_OPTIONS does not take). */
  nodeArgs?: string[];
}): Promise<BerthProcess> {
  const port = await freePort();
  const entry = opts.entry ?? "start.ts";
  const webhookSecret = opts.webhookSecret ?? randomBytes(16).toString("hex");
  const queuePrefix = opts.queuePrefix ?? `berth-e2e-${randomBytes(4).toString("hex")}`;
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: process.env.HOME ?? "/root",
    ...opts.infraEnv,
    APP_ID: String(opts.appId ?? 4242),
    PRIVATE_KEY: opts.privateKey ?? testAppKey(),
    WEBHOOK_SECRET: webhookSecret,
    GHE_HOST: opts.githubHost,
    GHE_PROTOCOL: "http",
    PORT: String(port),
    HOST: "127.0.0.1",
    LOG_LEVEL: opts.logLevel ?? "info",
    LOG_FORMAT: "json",
    BERTH_QUEUE_PREFIX: queuePrefix,
    BERTH_CONFIG_DIR: resolve(REPO_ROOT, "deploy-configs"),
    BERTH_TEMPLATES_DIR: resolve(REPO_ROOT, "templates"),
    ...opts.extraEnv,
  };
  const child = spawn(
    process.execPath,
    [...(opts.nodeArgs ?? []), "--import", "tsx", resolve(REPO_ROOT, "app/main", entry)],
    {
      cwd: REPO_ROOT,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  // If the test or script that started Berth dies without stopping it, Berth must not live on.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  child.once("exit", () => process.removeListener("exit", killOnExit));
  let out = "";
  const collect = (chunk: Buffer) => {
    out += chunk.toString();
    if (opts.echo) process.stdout.write(chunk);
  };
  child.stdout!.on("data", collect);
  child.stderr!.on("data", collect);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 180_000; // tsx compiles on start: slow on a loaded 2-core machine
  // A worker has no HTTP server: it is up once it says so.
  while (entry === "start-worker.ts" && !out.includes("worker started")) {
    if (child.exitCode !== null) throw new Error(`Berth worker exited with ${child.exitCode}:\n${out}`);
    if (Date.now() > deadline) throw new Error(`Berth worker did not start within 180 s:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  for (; entry !== "start-worker.ts";) {
    if (child.exitCode !== null) throw new Error(`Berth exited with ${child.exitCode} before listening:\n${out}`);
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) });
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`Berth did not answer /healthz within 180 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    webhookUrl: `${url}/api/github/webhooks`,
    webhookSecret,
    queuePrefix,
    child,
    output: () => out,
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
      const [code] = (await once(child, "exit")) as [number | null];
      clearTimeout(timer);
      return code;
    },
  };
}

export { readInfraEnv } from "./infra-env.js";
