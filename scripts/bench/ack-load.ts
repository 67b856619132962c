// The webhook-ack load, in a process of its own: signed pull_request webhooks at a fixed rate (open loop: each is sent
// when due, whether or not earlier ones were answered), keep-alive connections, latency per request from the moment
// it was sent until its answer ended. Open loop, so a slow answer never delays later sends; how many sends this
// process itself started late (> 5 ms, its own timer) is reported beside. Nothing else runs in this process, so its
// timers and sockets measure Berth, not the bench's other work.
// Usage: tsx scripts/bench/ack-load.ts URL SECRET RATE SECONDS REPOSITORY  → one JSON line on stdout.
import { Agent, request } from "node:http";
import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { loadPayload } from "../../test/fixtures/webhooks/index.js";

const [url, secret, rateArg, secondsArg, repository] = process.argv.slice(2);
if (!url || !secret || !rateArg || !secondsArg || !repository) {
  console.error("usage: ack-load.ts URL SECRET RATE SECONDS REPOSITORY");
  process.exit(2);
}
const rate = Number(rateArg);
const total = rate * Number(secondsArg);
const target = new URL(url);
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

// Bodies are made before the clock starts: signing is the sender's cost, not Berth's.
const bodies = Array.from({ length: total }, (_, i) => {
  const raw = JSON.stringify(
    loadPayload("pull_request.opened", {
      repository,
      number: 1 + (i % 50),
      headSha: randomBytes(20).toString("hex"),
    }),
  );
  return { raw, signature: `sha256=${createHmac("sha256", secret).update(raw).digest("hex")}` };
});

function send(i: number): Promise<number> {
  const { raw, signature } = bodies[i]!;
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: "POST",
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(raw),
          "user-agent": "GitHub-Hookshot/berth-bench",
          "x-github-event": "pull_request",
          "x-github-delivery": randomUUID(),
          "x-hub-signature-256": signature,
        },
        timeout: 15_000,
      },
      (res) => {
        res.resume();
        res.once("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.once("timeout", () => req.destroy(new Error("timed out")));
    req.once("error", reject);
    req.end(raw);
  });
}

const latencies: number[] = [];
let errors = 0;
let lateStarts = 0;
const pending: Array<Promise<void>> = [];
const start = performance.now();
for (let i = 0; i < total; i++) {
  const due = start + (i * 1000) / rate;
  const wait = due - performance.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  else if (wait < -5) lateStarts++;
  const sentAt = performance.now();
  pending.push(
    send(i).then(
      (status) => {
        latencies.push(performance.now() - sentAt);
        if (status !== 200) errors++;
      },
      () => void errors++,
    ),
  );
}
await Promise.all(pending);
agent.destroy();
const sorted = latencies.sort((a, b) => a - b);
const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? NaN;
console.log(JSON.stringify({ n: sorted.length, errors, lateStarts, p50: at(0.5), p99: at(0.99), max: at(1) }));
