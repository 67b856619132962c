// Requests through a Caddy edge on 127.0.0.1 with a host name (curl --resolve, TLS verified against the edge's own
// CA root), and the edge's container, for the routing E2E files (apps edge*, ports 27200-27399).
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { docker } from "./policies-bot.js";

export function edgeContainer(service: string): string | undefined {
  return docker("ps", "-q", "--filter", `label=com.docker.swarm.service.name=${service}`, "--filter", "status=running")
    .split("\n")
    .filter(Boolean)[0];
}

/** The edge's internal CA root, read inside the container (its admin API listens nowhere else). */
export function edgeRootFile(service: string): string {
  const container = edgeContainer(service);
  if (!container) throw new Error(`edge ${service} has no running container`);
  const raw = execFileSync("docker", ["exec", "-i", container, "nc", "127.0.0.1", "2019"], {
    input: "GET /pki/ca/local HTTP/1.1\r\nHost: localhost:2019\r\nConnection: close\r\n\r\n",
  }).toString();
  const pem = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/.exec(raw.replace(/\\n/g, "\n"))?.[0];
  if (!pem) throw new Error(`no root certificate in the edge's answer: ${raw.slice(0, 300)}`);
  const file = join(mkdtempSync(join(tmpdir(), "berth-edge-ca-")), "root.pem");
  writeFileSync(file, `${pem}\n`);
  return file;
}

export interface EdgeAnswer {
  status: number;
  body: string;
  headers: string;
}

/** One HTTPS request to 127.0.0.1:<port> for `host` (SNI and Host), verified against `caFile`; status 0 = failed. */
export function viaEdge(host: string, port: number, caFile: string, path = "/", extra: string[] = []): EdgeAnswer {
  try {
    const out = execFileSync(
      "curl",
      [
        "-sS",
        "-i",
        "--max-time",
        "10",
        "--cacert",
        caFile,
        "--resolve",
        `${host}:${port}:127.0.0.1`,
        ...extra,
        `https://${host}:${port}${path}`,
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    ).toString();
    const split = out.indexOf("\r\n\r\n");
    const headers = out.slice(0, split);
    const status = Number(/^HTTP\/[0-9.]+ ([0-9]{3})/.exec(headers)?.[1] ?? 0);
    return { status, headers, body: out.slice(split + 4) };
  } catch (err) {
    return { status: 0, headers: "", body: String((err as { stderr?: Buffer }).stderr ?? err) };
  }
}
