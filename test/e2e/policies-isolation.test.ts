// Isolation and secrets with real containers: two previews of one app, each on its own overlay network with its own
// volume and secret. A task of pr-611 reaches its own service but cannot resolve pr-612's (names resolve only on
// shared networks; pr-612's address is off-link for it, see FACTS "Isolation probes"). The secret is really mounted,
// and its value appears nowhere in the bot's output, the requests it sent to GitHub or the comments — even when a
// failure message would have carried it. Tearing one preview down leaves the other serving, with its resources.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { waitForFinalDeploymentStatus, waitForQuiet } from "../../scripts/demo/recorded.js";
import { loadPayload } from "../fixtures/webhooks/index.js";
import {
  commentContaining,
  docker,
  lastCheck,
  PORT_BASE,
  polConfig,
  sha,
  stackLabel,
  startPolicyBot,
  type PolicyBot,
} from "../helpers/policies-bot.js";

const REPO = "acme/polnet";
const [A, B, LEAK] = [611, 612, 613];
const stack = (pr: number) => `polnet-pr-${pr}`;
const SECRET = `pol-secret-${randomBytes(12).toString("hex")}`;
const heads: Record<number, string> = { [A]: sha(), [B]: sha() };
let bot: PolicyBot;

// web-service.yml plus a named volume mounted at /data.
const VOLUME_TEMPLATE = readFileSync("templates/web-service.yml", "utf8")
  .replace("    stop_grace_period: 10s\n", "    stop_grace_period: 10s\n    volumes:\n      - data:/data\n")
  .concat("\nvolumes:\n  data: {}\n");

const withSecret = { top: ["secrets:", "  api_token: { env: POL_API_TOKEN }"], web: ["secrets: [api_token]"] };

beforeAll(async () => {
  bot = await startPolicyBot(
    {
      polnet: polConfig("polnet", { ...withSecret, template: "pol-volume.yml" }),
      // A careless config: the secret's variable also lands in the image reference, so Swarm's own error message
      // ("No such image: …:<value>") would carry the value into the check run and the logs.
      polnet2: polConfig("polnet", withSecret)
        .replace("repository: acme/polnet", "repository: acme/polleak")
        .replace("app: polnet", "app: polleak")
        .replace("${BERTH_TEST_IMAGE}", "berth-test-nope:${POL_API_TOKEN}"),
    },
    { POL_API_TOKEN: SECRET },
    { "pol-volume.yml": VOLUME_TEMPLATE },
  );
});

afterAll(async () => {
  await bot?.stop([stack(A), stack(B), `polleak-pr-${LEAK}`]);
});

const containerOf = (pr: number) =>
  docker("ps", "-q", "--filter", `label=com.docker.swarm.service.name=${stack(pr)}_web`).split("\n")[0]!;
/** Runs busybox in the container; returns exit status and output, never throws. */
function inContainer(container: string, ...args: string[]): { ok: boolean; out: string } {
  try {
    return { ok: true, out: docker("exec", container, "busybox", ...args) };
  } catch (err) {
    const e = err as { stdout?: Buffer; stderr?: Buffer };
    return { ok: false, out: `${e.stdout ?? ""}${e.stderr ?? ""}` };
  }
}

describe("per-environment isolation and secrets on the real Swarm", () => {
  it("two previews deploy, each with its own network, volume and content-hashed secret, labelled with repository and environment", async () => {
    for (const pr of [A, B]) {
      const mark = bot.github.requests.length;
      await bot.send(
        "pull_request",
        loadPayload("pull_request.opened", { repository: REPO, number: pr, headSha: heads[pr] }),
      );
      expect(await waitForFinalDeploymentStatus(bot.github, mark, 180_000)).toMatchObject({ state: "success" });
      await waitForQuiet(bot.github, mark);
    }
    for (const pr of [A, B]) {
      const net = JSON.parse(docker("network", "inspect", `${stack(pr)}_berth`, "--format", "{{json .}}"));
      expect(net).toMatchObject({
        Driver: "overlay",
        Attachable: false,
        Labels: { "berth.repository": REPO, "berth.environment": `pr-${pr}` },
      });
      const volume = JSON.parse(docker("volume", "inspect", `${stack(pr)}_data`, "--format", "{{json .Labels}}"));
      expect(volume).toMatchObject({ "berth.repository": REPO, "berth.environment": `pr-${pr}` });
      const secrets = docker(
        "secret",
        "ls",
        "--filter",
        `label=berth.stack=${stack(pr)}`,
        "--format",
        "{{.Name}}",
      ).split("\n");
      expect(secrets).toHaveLength(1);
      expect(secrets[0]).toMatch(new RegExp(`^${stack(pr)}_api_token_[0-9a-f]{10}$`));
      expect(JSON.parse(docker("secret", "inspect", secrets[0]!, "--format", "{{json .Spec.Labels}}"))).toMatchObject({
        "berth.repository": REPO,
        "berth.environment": `pr-${pr}`,
      });
    }
  });

  it("the secret is mounted in the container at /run/secrets/api_token", () => {
    expect(docker("exec", containerOf(A), "cat", "/run/secrets/api_token")).toBe(SECRET);
  });

  it("probe: pr-611 reaches its own service, cannot resolve pr-612's, and pr-612's address is off-link for it", () => {
    const a = containerOf(A);
    const b = containerOf(B);
    const own = inContainer(a, "timeout", "3", "wget", "-q", "-O", "-", "http://web:8080/");
    expect(own).toEqual({ ok: true, out: `berth-test-web sha=${heads[A]}` });
    const ownFull = inContainer(a, "timeout", "3", "wget", "-q", "-O", "-", `http://${stack(A)}_web:8080/`);
    expect(ownFull.ok).toBe(true);
    // Control: the same kind of name works inside pr-612, so the failure below is isolation, not a bad name.
    expect(inContainer(b, "timeout", "3", "wget", "-q", "-O", "-", `http://${stack(B)}_web:8080/`)).toEqual({
      ok: true,
      out: `berth-test-web sha=${heads[B]}`,
    });
    const other = inContainer(a, "timeout", "3", "wget", "-q", "-O", "-", `http://${stack(B)}_web:8080/`);
    expect(other.ok).toBe(false);
    expect(other.out).toMatch(/bad address/);
    const ipB = JSON.parse(docker("inspect", b, "--format", "{{json .NetworkSettings.Networks}}"))[`${stack(B)}_berth`]
      .IPAddress as string;
    expect(ipB).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    const route = inContainer(a, "ip", "route", "get", ipB);
    expect(route.ok).toBe(true);
    expect(route.out).toContain(" via "); // not on any network pr-611 is attached to
    const routeOwn = inContainer(b, "ip", "route", "get", ipB);
    expect(routeOwn.out).not.toContain(" via ");
  });

  it("a failure whose Swarm message carries the secret value is reported with the value redacted", async () => {
    const mark = bot.github.requests.length;
    await bot.send(
      "pull_request",
      loadPayload("pull_request.opened", { repository: "acme/polleak", number: LEAK, headSha: sha() }),
    );
    expect(await waitForFinalDeploymentStatus(bot.github, mark, 180_000)).toMatchObject({ state: "failure" });
    await waitForQuiet(bot.github, mark);
    const check = lastCheck(bot, mark, "acme/polleak");
    expect(check).toMatchObject({ status: "completed", conclusion: "failure" });
    expect(JSON.stringify(check.output)).toContain("berth-test-nope:[redacted]");
    expect(docker("service", "ls", "-q", "--filter", stackLabel(`polleak-pr-${LEAK}`))).toBe("");
    expect(docker("secret", "ls", "-q", "--filter", `label=berth.stack=polleak-pr-${LEAK}`)).toBe("");
  });

  it("closing pr-611 removes exactly its stack, network, volume and secret; pr-612 keeps serving with all of its own", async () => {
    const mark = bot.github.requests.length;
    await bot.send(
      "pull_request",
      loadPayload("pull_request.closed", { repository: REPO, number: A, headSha: heads[A] }),
    );
    await waitForFinalDeploymentStatus(bot.github, mark, 180_000, ["inactive"]);
    await waitForQuiet(bot.github, mark);
    expect(docker("service", "ls", "-q", "--filter", stackLabel(stack(A)))).toBe("");
    expect(docker("network", "ls", "-q", "--filter", stackLabel(stack(A)))).toBe("");
    expect(docker("volume", "ls", "-q", "--filter", stackLabel(stack(A)))).toBe("");
    expect(docker("secret", "ls", "-q", "--filter", `label=berth.stack=${stack(A)}`)).toBe("");
    expect((await (await fetch(`http://127.0.0.1:${PORT_BASE + B}/`)).text()).trim()).toBe(
      `berth-test-web sha=${heads[B]}`,
    );
    expect(docker("network", "ls", "-q", "--filter", stackLabel(stack(B)))).not.toBe("");
    expect(docker("volume", "ls", "-q", "--filter", stackLabel(stack(B)))).not.toBe("");
    expect(docker("secret", "ls", "-q", "--filter", `label=berth.stack=${stack(B)}`)).not.toBe("");
    await commentContaining(bot, REPO, A, "Preview torn down");
  });

  it("the secret value appears nowhere: not in the bot's output, the requests sent to GitHub, or the comments", () => {
    const output = bot.berth.output();
    expect(output.length).toBeGreaterThan(1000);
    expect(output).toContain("[redacted]"); // the leak above was caught at the logger too
    expect(output.split(SECRET)).toHaveLength(1);
    const sent = JSON.stringify(bot.github.requests);
    expect(sent).toContain("berth-test-nope:[redacted]");
    expect(sent.split(SECRET)).toHaveLength(1);
    expect(JSON.stringify([...bot.github.state.comments.values()]).split(SECRET)).toHaveLength(1);
  });
});
