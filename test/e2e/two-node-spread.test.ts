// End to end on the two-node Swarm (scripts/infra/node2.sh): one preview with `replicas: 2` spread over both nodes,
// both tasks running, the URL serving; closing the PR removes it from both, its named volume included (each task
// made its own copy on its own node; the manager's `docker volume rm` alone used to leave the worker's behind).
// App faultspread, PR 1040, port 26040.
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
import { docker, faultEnv } from "../helpers/fault-bot.js";
import { waitFor } from "../../scripts/lib/wait-for.js";

const APP = "faultspread";
const PR = 1040;
const STACK = `${APP}-pr-${PR}`;
// The spread template with a named volume at /data: Swarm creates it on each node a task lands on.
const SPREAD_WITH_VOLUME = `${SPREAD_TEMPLATE}    volumes:\n      - data:/data\nvolumes:\n  data: {}\n`;
const stackVolumes = (dockerHost: string | undefined) =>
  docker(["volume", "ls", "-q", "--filter", `label=com.docker.stack.namespace=${STACK}`], dockerHost);
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
      templates: { "fault-spread.yml": SPREAD_WITH_VOLUME },
    });
  });
  afterAll(async () => {
    await bot?.close();
    try {
      mgrDocker(["stack", "rm", STACK]);
    } catch {
      // already gone
    }
    try {
      for (const host of [faultEnv().BERTH_FAULT_DOCKER_HOST, faultEnv().BERTH_NODE2_DOCKER_HOST])
        for (const v of stackVolumes(host).split("\n").filter(Boolean)) docker(["volume", "rm", "-f", v], host);
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
    expect(stackVolumes(faultEnv().BERTH_FAULT_DOCKER_HOST)).toBe(`${STACK}_data`);
    expect(stackVolumes(faultEnv().BERTH_NODE2_DOCKER_HOST)).toBe(`${STACK}_data`);
    const url = `http://${faultEnv().BERTH_FAULT_PROBE_HOST}:${PORT_BASE + PR}`;
    expect(await body(url)).toBe(`berth-test-web sha=${head}`);
    await waitFor(
      "the sticky comment with web 2/2",
      () =>
        [...bot.github.state.comments.values()].some((c) => c.issue === PR && /\| web \| 2\/2 \|/.test(c.body))
          ? true
          : undefined,
      60_000,
      250,
    );

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
    // The volume is gone from both nodes, the worker's included, and the one-shot cleanup job is removed.
    expect(stackVolumes(faultEnv().BERTH_FAULT_DOCKER_HOST)).toBe("");
    expect(stackVolumes(faultEnv().BERTH_NODE2_DOCKER_HOST)).toBe("");
    expect(mgrDocker(["service", "ls", "-q", "--filter", `label=berth.volume-cleanup=${STACK}`])).toBe("");
  }, 360_000);
});
