// npm run bench:policies — what the preview policies cost, on the local Swarm through the real bot process:
//   fork PR webhook → "Waiting for approval" check completed (nothing deployed)
//   quota-refused webhook → failing check completed (nothing deployed)
//   webhook → deployment success, without and with one mounted secret (secret ls + create over SSH)
//   TTL elapsed → preview torn down by the sweeper (interval 2 s here), deployment inactive
// Prints medians of BENCH_RUNS runs (default 3); asserts nothing. Apps polbench*, PRs 690-699, ports 22690+.
import { randomBytes } from "node:crypto";
import { waitFor } from "../lib/wait-for.js";
import { waitForFinalDeploymentStatus, waitForQuiet } from "../demo/recorded.js";
import { loadPayload } from "../../test/fixtures/webhooks/index.js";
import { lastCheck, polConfig, sha, startPolicyBot } from "../../test/helpers/policies-bot.js";

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const TTL_SECONDS = 5;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const secret = `bench-${randomBytes(8).toString("hex")}`;

const bot = await startPolicyBot(
  {
    polbench: polConfig("polbench"),
    polbenchs: polConfig("polbenchs", {
      top: ["secrets:", "  api_token: { env: POL_BENCH_SECRET }"],
      web: ["secrets: [api_token]"],
    }),
    polbenchq: polConfig("polbenchq", {
      top: ["quotas:", "  preview: { cpus: 1 }"],
      web: ["resources:", "  limits: { cpus: 4 }"],
    }),
    polbencht: polConfig("polbencht", { preview: [`ttlSeconds: ${TTL_SECONDS}`] }),
  },
  { POL_BENCH_SECRET: secret, BERTH_SWEEP_INTERVAL_SECONDS: "2" },
);
const stacks = ["polbench-pr-691", "polbench-pr-692", "polbenchs-pr-693", "polbenchq-pr-694", "polbencht-pr-695"];

async function completedCheck(repo: string, pr: number, extra: object): Promise<number> {
  const mark = bot.github.requests.length;
  const t0 = performance.now();
  await bot.send(
    "pull_request",
    loadPayload("pull_request.opened", { repository: repo, number: pr, headSha: sha(), ...extra }),
  );
  await waitFor(
    "a completed check",
    () => (lastCheck(bot, mark, repo)?.status === "completed" ? true : undefined),
    60_000,
    20,
  );
  const ms = performance.now() - t0;
  await waitForQuiet(bot.github, mark);
  return ms;
}

async function deployed(repo: string, pr: number): Promise<{ ms: number; mark: number }> {
  const mark = bot.github.requests.length;
  const t0 = performance.now();
  await bot.send("pull_request", loadPayload("pull_request.opened", { repository: repo, number: pr, headSha: sha() }));
  const final = await waitForFinalDeploymentStatus(bot.github, mark, 180_000);
  if (final.state !== "success") throw new Error(`${repo}#${pr}: ${final.state} ${final.description}`);
  const ms = performance.now() - t0;
  await waitForQuiet(bot.github, mark);
  return { ms, mark };
}

async function close(repo: string, pr: number): Promise<void> {
  const mark = bot.github.requests.length;
  await bot.send("pull_request", loadPayload("pull_request.closed", { repository: repo, number: pr, headSha: sha() }));
  await waitForFinalDeploymentStatus(bot.github, mark, 180_000, ["inactive"]);
  await waitForQuiet(bot.github, mark);
}

const results: Record<string, number[]> = { waiting: [], quota: [], plain: [], secret: [], ttl: [] };
try {
  for (let i = 0; i < RUNS; i++) {
    results.waiting!.push(await completedCheck("acme/polbench", 691, { fork: true, authorAssociation: "NONE" }));
    results.quota!.push(await completedCheck("acme/polbenchq", 694, {}));
    results.plain!.push((await deployed("acme/polbench", 692)).ms);
    await close("acme/polbench", 692);
    results.secret!.push((await deployed("acme/polbenchs", 693)).ms);
    await close("acme/polbenchs", 693);
    const sent = Date.now();
    const { mark } = await deployed("acme/polbencht", 695);
    await waitForFinalDeploymentStatus(bot.github, mark, 120_000, ["inactive"]);
    // Activity is the webhook's arrival; the preview may go from then + TTL on.
    results.ttl!.push(Date.now() - (sent + TTL_SECONDS * 1000));
    await waitForQuiet(bot.github, mark);
  }
} finally {
  await bot.stop(stacks);
}
const leaked = bot.berth.output().includes(secret) || JSON.stringify(bot.github.requests).includes(secret);
console.log(`\npreview policies, ${RUNS} runs, medians (2 cores, local Swarm)`);
console.log(`| what | ms |\n|---|---|`);
console.log(`| fork PR webhook → "Waiting for approval" check completed | ${median(results.waiting!).toFixed(0)} |`);
console.log(`| over-quota webhook → failing check completed | ${median(results.quota!).toFixed(0)} |`);
console.log(`| webhook → deployment success, no secret | ${median(results.plain!).toFixed(0)} |`);
console.log(`| webhook → deployment success, one secret | ${median(results.secret!).toFixed(0)} |`);
console.log(`| TTL elapsed → preview torn down (sweep every 2 s) | ${median(results.ttl!).toFixed(0)} |`);
console.log(`secret value in bot output or GitHub requests: ${leaked ? "FOUND" : "none"}`);
