// The approval gate on a real Redis: an untrusted PR's SHA waits until approved; a deploy queued by a command that
// does not say whether the PR is trusted inherits what the PR's last pull_request event said.
import { afterEach, describe, expect, it } from "vitest";
import { createApprovalStore } from "../../app/adapters/redis/approvals.js";
import { createPullRequestTrust } from "../../app/adapters/redis/pull-request-trust.js";
import { approvalWaiting } from "../../app/jobs/preview-policies.js";
import type { JobDeps } from "../../app/jobs/deps.js";
import type { DeployPreviewJob } from "../../app/jobs/job-data.js";
import { testRedis } from "../helpers/redis.js";

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function setup() {
  const r = testRedis();
  cleanups.push(r.cleanup);
  const deps = {
    approvals: createApprovalStore(r.redis, r.prefix),
    trust: createPullRequestTrust(r.redis, r.prefix),
  } as unknown as JobDeps;
  return deps;
}

const A = "a".repeat(40);
const B = "b".repeat(40);
const job = (over: Partial<DeployPreviewJob>): DeployPreviewJob => ({
  kind: "deploy-preview",
  repository: "acme/polgate",
  installationId: 1,
  deliveryId: "d",
  sender: "x",
  receivedAt: 1,
  pr: 602,
  sha: A,
  ...over,
});

describe("approval gate", () => {
  it("untrusted waits, naming who may approve; an approval covers that SHA only", async () => {
    const deps = setup();
    const note = await approvalWaiting(job({ trusted: false, authorAssociation: "FIRST_TIME_CONTRIBUTOR" }), deps);
    expect(note).toContain("its author is FIRST_TIME_CONTRIBUTOR");
    expect(note).toContain(
      "someone with write, maintain or admin permission on acme/polgate approves commit aaaaaaa by commenting `/approve` (or `/berth approve`)",
    );
    await deps.approvals.approve("acme/polgate", 602, A, "maintainer");
    expect(await approvalWaiting(job({ trusted: false }), deps)).toBeUndefined();
    expect(await approvalWaiting(job({ trusted: false, sha: B }), deps)).toMatch(/approves commit bbbbbbb/);
  });

  it("a deploy that does not say (queued by /redeploy) inherits the PR's last event: untrusted stays gated", async () => {
    const deps = setup();
    expect(await approvalWaiting(job({ trusted: undefined, trigger: "redeploy" }), deps)).toBeUndefined(); // never seen: trusted
    await approvalWaiting(job({ trusted: false }), deps);
    expect(await approvalWaiting(job({ trusted: undefined, trigger: "redeploy", sha: B }), deps)).toMatch(
      /it comes from a fork/,
    );
    await deps.approvals.approve("acme/polgate", 602, B, "maintainer");
    expect(await approvalWaiting(job({ trusted: undefined, trigger: "approve", sha: B }), deps)).toBeUndefined();
    expect(await approvalWaiting(job({ trusted: true, sha: A }), deps)).toBeUndefined(); // now a trusted event
    expect(await approvalWaiting(job({ trusted: undefined, trigger: "redeploy", sha: A }), deps)).toBeUndefined();
  });

  it("refuses to echo an association that is not one of GitHub's keywords", async () => {
    const deps = setup();
    const note = await approvalWaiting(
      job({ trusted: false, authorAssociation: "<img src=x onerror=alert(1)>" }),
      deps,
    );
    expect(note).not.toContain("<img");
    expect(note).toContain("it comes from a fork");
  });
});
