// End to end: one preview deployed for real (Berth process, Redis, SSH, Swarm, the GitHub stand-in), then seen the
// way an operator sees it: Debian's Prometheus scrapes GET /metrics and a PromQL query returns the deploy counter;
// headless Chromium opens GET /status (401 without or with a wrong token, the login form sets a cookie, the page
// lists the live preview) and a screenshot is kept; the audit trail holds the deploy, `berth audit` prints it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { chromium, type Browser } from "playwright-core";
import { startGitHubStandIn, type GitHubStandIn } from "../../scripts/github-stand-in/index.js";
import { REPO_ROOT, startBerth, testAppKey, type BerthProcess } from "../../scripts/lib/berth-process.js";
import { startPrometheus, type PrometheusInstance } from "../../scripts/lib/prometheus.js";
import { sendWebhook } from "../../scripts/lib/webhook-sender.js";
import { waitFor } from "../../scripts/lib/wait-for.js";
import { waitForFinalDeploymentStatus, waitForQuiet } from "../../scripts/demo/recorded.js";
import { deletePrefix } from "../../scripts/lib/redis-prefix.js";
import { LOCAL_SSH_YAML } from "../../scripts/lib/local-config.js";
import { loadPayload } from "../fixtures/webhooks/index.js";
import { infraEnv } from "../helpers/infra.js";
import { cli } from "../../app/main/cli.js";

// i14b's range: app mon*, PRs 1200–1299, host ports 27100–27199 (preview N on 25900 + N).
const REPOSITORY = "acme/mon";
const PR = 1201;
const STACK = `mon-pr-${PR}`;
const PROMETHEUS_PORT = 27199;
const TOKEN = `status-${randomBytes(16).toString("hex")}`;
const ARTIFACTS = join(REPO_ROOT, ".berth-local/artifacts");
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--headless",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const head = randomBytes(20).toString("hex");
const docker = (...args: string[]) => execFileSync("docker", args).toString().trim();

let github: GitHubStandIn;
let berth: BerthProcess;
let prometheus: PrometheusInstance | undefined;
let browser: Browser | undefined;
let configDir: string;

const send = (event: string, payload: unknown) =>
  sendWebhook({ url: berth.webhookUrl, event, payload, secret: berth.webhookSecret });

beforeAll(async () => {
  configDir = mkdtempSync(join(tmpdir(), "berth-mon-"));
  writeFileSync(
    join(configDir, "mon.yml"),
    `repository: ${REPOSITORY}
app: mon
template: web-service.yml
${LOCAL_SSH_YAML}
routing: { mode: host-port, domain: preview.localhost, previewPortBase: 25900 }
preview: { healthTimeoutSeconds: 180, maxFailedTasks: 3, ttlSeconds: 7200 }
services:
  web:
    image: \${BERTH_TEST_IMAGE}
    public: true
    port: 8080
    healthPath: /healthz
    replicas: 1
    resources:
      limits: { cpus: 0.5, memory: 64M }
      reservations: { cpus: 0.05, memory: 16M }
`,
  );
  const privateKey = testAppKey();
  github = await startGitHubStandIn({ appId: 4242, privateKey });
  berth = await startBerth({
    githubHost: `127.0.0.1:${github.port}`,
    infraEnv: infraEnv(),
    privateKey,
    appId: 4242,
    extraEnv: { BERTH_CONFIG_DIR: configDir, BERTH_STATUS_TOKEN: TOKEN },
  });
  prometheus = await startPrometheus({ port: PROMETHEUS_PORT, targets: [berth.url.replace("http://", "")] });
  mkdirSync(ARTIFACTS, { recursive: true });
}, 120_000);

afterAll(async () => {
  if (process.env.BERTH_E2E_VERBOSE) console.log(berth?.output().split("\n").slice(-80).join("\n"));
  await browser?.close();
  await prometheus?.stop();
  await berth?.stop();
  await github?.close();
  if (docker("service", "ls", "-q", "--filter", `label=com.docker.stack.namespace=${STACK}`))
    docker("stack", "rm", STACK);
  if (berth) await deletePrefix(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", berth.queuePrefix);
  rmSync(configDir, { recursive: true, force: true });
});

describe("operating Berth: metrics, status page, audit trail", () => {
  it("deploys preview mon-pr-1201 for real", async () => {
    const mark = github.requests.length;
    const res = await send(
      "pull_request",
      loadPayload("pull_request.opened", { number: PR, headSha: head, repository: REPOSITORY }),
    );
    expect(res.status).toBe(200);
    const final = await waitForFinalDeploymentStatus(github, mark, 240_000);
    await waitForQuiet(github, mark);
    expect(final).toMatchObject({ state: "success", environment_url: `http://127.0.0.1:${25900 + PR}` });
  }, 300_000);

  it("GET /metrics counts the deploy, its phases and the live environment", async () => {
    const text = await (await fetch(`${berth.url}/metrics`)).text();
    expect(text).toMatch(/^berth_deploys_total\{result="success",environment_kind="preview"\} 1$/m);
    for (const phase of ["queue_wait", "render", "apply", "converge", "probe", "report"])
      expect(text).toMatch(
        new RegExp(`^berth_deploy_phase_seconds_count\\{phase="${phase}",environment_kind="preview"\\} 1$`, "m"),
      );
    expect(text).toMatch(/^berth_live_environments\{repository="acme\/mon",environment_kind="preview"\} 1$/m);
    expect(text).toMatch(/^berth_webhook_ack_seconds_count\{status="200"\} [1-9]/m);
    expect(text).toMatch(/^berth_github_writes_total\{installation="\d+"\} [1-9]/m);
    // The write scheduler's own view: finals sent, and the hourly budget (500) less what it sent.
    expect(text).toMatch(/^berth_github_scheduled_writes\{state="sent_final"\} [1-9]/m);
    const budget = /^berth_github_write_budget_remaining\{installation="\d+"\} (\d+)$/m.exec(text);
    expect(Number(budget?.[1])).toBeGreaterThan(400);
    expect(Number(budget?.[1])).toBeLessThan(500);
    expect(text).toMatch(/^berth_ssh_connections 1$/m);
    expect(text).toMatch(/^berth_queue_jobs\{state="waiting"\} \d+$/m);
    expect(text).toMatch(/^berth_queue_oldest_waiting_seconds \d/m);
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain(berth.webhookSecret);
  });

  it("Prometheus scrapes Berth and a PromQL query returns the deploy counter", async () => {
    const result = await waitFor(
      "Prometheus to have scraped the deploy counter",
      async () => {
        const r = await prometheus!.query('sum(berth_deploys_total{result="success",environment_kind="preview"})');
        return r.length > 0 && Number(r[0]!.value[1]) >= 1 ? r : undefined;
      },
      60_000,
      1000,
    );
    expect(Number(result[0]!.value[1])).toBe(1);
    const up = await prometheus!.query('up{job="berth"}');
    expect(up.map((s) => s.value[1])).toEqual(["1"]);
    // The shipped Grafana dashboard: every query is valid PromQL for this Prometheus and names only berth_ metrics.
    const dashboard = JSON.parse(readFileSync(join(REPO_ROOT, "deploy/grafana-dashboard.json"), "utf8")) as {
      panels: Array<{ targets: Array<{ expr: string }> }>;
    };
    const exprs = dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr));
    expect(exprs.length).toBeGreaterThan(10);
    for (const expr of exprs) {
      expect(expr).toMatch(/berth_/);
      await prometheus!.query(expr.replaceAll("$__rate_interval", "1m"));
    }
  }, 90_000);

  it("the audit trail holds the deploy, and `berth audit` prints it", async () => {
    const lines: string[] = [];
    const errors: string[] = [];
    const env = { REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379", BERTH_QUEUE_PREFIX: berth.queuePrefix };
    const code = await cli(
      ["audit", REPOSITORY, "--since", "1h", "--json"],
      env,
      (l) => lines.push(l),
      (l) => errors.push(l),
    );
    expect([code, errors]).toEqual([0, []]);
    const { entries } = JSON.parse(lines.join("\n")) as { entries: Array<Record<string, unknown>> };
    expect(entries).toContainEqual(
      expect.objectContaining({
        action: "deploy",
        who: "octocat",
        repository: REPOSITORY,
        environment: `pr-${PR}`,
        sha: head,
        result: "deployed",
      }),
    );
    const text: string[] = [];
    expect(
      await cli(
        ["audit", REPOSITORY],
        env,
        (l) => text.push(l),
        (l) => errors.push(l),
      ),
    ).toBe(0);
    expect(text.join("\n")).toContain(`octocat  deploy  ${REPOSITORY}  pr-${PR}  ${head.slice(0, 7)}  deployed`);
  });

  it("GET /status: 401 without or with a wrong token, bearer and login form work, lists the live preview", async () => {
    const status = `${berth.url}/status`;
    expect((await fetch(status)).status).toBe(401);
    expect((await fetch(status, { headers: { authorization: "Bearer wrong-token-0123456789" } })).status).toBe(401);
    const bearer = await fetch(status, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(bearer.status).toBe(200);
    const html = await bearer.text();
    expect(html).toContain(`http://127.0.0.1:${25900 + PR}`);
    expect(html).not.toContain(TOKEN);

    browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1360, height: 800 } });
    const page = await context.newPage();
    const first = await page.goto(status);
    expect(first!.status()).toBe(401);
    await page.fill('input[name="token"]', "not-the-token-at-all");
    await Promise.all([page.waitForLoadState(), page.click('button[type="submit"]')]);
    expect(await page.textContent("body")).toContain("That token is not right.");
    await page.fill('input[name="token"]', TOKEN);
    const [answer] = await Promise.all([
      page.waitForResponse((r) => r.url() === status && r.request().method() === "GET"),
      page.click('button[type="submit"]'),
    ]);
    expect(answer.status()).toBe(200);
    await page.waitForSelector("text=acme/mon");
    const row = page.locator("tr", { hasText: `pr-${PR}` }).first();
    expect(await row.textContent()).toContain(head.slice(0, 7));
    expect(await row.textContent()).toContain("healthy");
    expect(await row.textContent()).toContain("web 1/1");
    expect(await row.textContent()).toContain("octocat");
    expect(await page.locator(`a[href="http://127.0.0.1:${25900 + PR}/"]`).count()).toBeGreaterThan(0);
    const cookies = await context.cookies();
    expect(cookies.find((c) => c.name === "berth_status")).toMatchObject({ httpOnly: true, sameSite: "Strict" });
    expect(cookies.map((c) => c.value)).not.toContain(TOKEN);
    await page
      .locator("details")
      .first()
      .evaluate((d) => d.setAttribute("open", ""));
    await page.screenshot({ path: join(ARTIFACTS, "status-page.png"), fullPage: true });

    // A wrong bearer is 401 in the browser too, even with a valid cookie.
    const wrong = await browser.newContext({ extraHTTPHeaders: { authorization: "Bearer wrong-token-0123456789" } });
    expect((await (await wrong.newPage()).goto(status))!.status()).toBe(401);
    await wrong.close();
  }, 120_000);

  it("PR closed → torn down: gone from the status page and the live gauge, audited", async () => {
    const mark = github.requests.length;
    await send(
      "pull_request",
      loadPayload("pull_request.closed", { number: PR, headSha: head, repository: REPOSITORY }),
    );
    await waitForFinalDeploymentStatus(github, mark, 240_000, ["inactive"]);
    const html = await waitFor(
      "the status page to drop the preview",
      async () => {
        const h = await (await fetch(`${berth.url}/status`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
        return h.includes("No live environments.") ? h : undefined;
      },
      60_000,
      500,
    );
    expect(html).toMatch(/teardown.*closed/s);
    const text = await (await fetch(`${berth.url}/metrics`)).text();
    expect(text).not.toMatch(/^berth_live_environments\{repository="acme\/mon"/m);
  }, 300_000);
});
