// End to end on the two-node Swarm (scripts/infra/node2.sh): one preview with `replicas: 2` spread over both nodes,
// both tasks running, the URL serving; closing the PR removes it from both. App faultspread, PR 1040, port 26040.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { body, faultConfigYaml, sha, startFaultBot, PORT_BASE, type FaultBot } from "../helpers/fault-bot.js";
import {
  FAULT_PROBE_HOST,
  FAULT_SWARM_SSH,
  SPREAD_TEMPLATE,
  faultSwarmAvailable,
  mgrDocker,
  runningNodes,
} from "../helpers/fault-swarm.js";
import { faultEnv } from "../helpers/fault-bot.js";
import { waitFor } from "../../scripts/lib/wait-for.js";

const APP = "faultspread";
const PR = 1040;
const STACK = `${APP}-pr-${PR}`;
let bot: FaultBot;

describe.skipIf(!faultSwarmAvailable())("a preview spread over a two-node Swarm", () => {
  beforeAll(async () => {
    bot = await startFaultBot({
      configs: {
        [`${APP}.yml`]: faultConfigYaml({
          app: APP,
          ssh: FAULT_SWARM_SSH,
          probeHost: FAULT_PROBE_HOST,
          replicas: 2,
          template: "fault-spread.yml",
        }),
      },
      templates: { "fault-spread.yml": SPREAD_TEMPLATE },
    });
  });
  afterAll(async () => {
    await bot?.close();
    try {
      mgrDocker(["stack", "rm", STACK]);
    } catch {
      // already gone
    }
  });

  it("replicas: 2 → one task on each node, both running, the URL serves; close → gone from both", async () => {
    const head = sha();
    expect(await bot.pr("opened", APP, PR, head)).toBe(200);
    await waitFor(
      "check run success",
      () =>
        [...bot.github.state.checkRuns.values()].find((r) => r.head_sha === head)?.conclusion === "success"
          ? true
          : undefined,
      240_000,
      500,
    );
    expect(runningNodes(`${STACK}_web`)).toEqual(["berth-mgr", "berth-node2"]);
    const url = `http://${faultEnv().BERTH_FAULT_PROBE_HOST}:${PORT_BASE + PR}`;
    expect(await body(url)).toBe(`berth-test-web sha=${head}`);
    const comment = [...bot.github.state.comments.values()].find((c) => c.issue === PR);
    expect(comment.body).toMatch(/\| web \| 2\/2 \|/);

    const mark = bot.github.requests.length;
    expect(await bot.pr("closed", APP, PR, head)).toBe(200);
    await waitFor(
      "deployments inactive",
      () => (bot.since(mark).some((r) => /statuses$/.test(r.path) && r.body?.state === "inactive") ? true : undefined),
      180_000,
      500,
    );
    expect(mgrDocker(["service", "ls", "-q", "--filter", `label=com.docker.stack.namespace=${STACK}`])).toBe("");
    expect(mgrDocker(["ps", "-aq", "--filter", `label=com.docker.stack.namespace=${STACK}`])).toBe("");
  }, 360_000);
});
