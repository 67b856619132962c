// A world for command jobs: acme/shop configured for commands, PR 7 open at SHA, and commenters with the
// permissions GitHub would answer (alice write → developer, root admin → admin, rita read → viewer).
import { fakeWorld, type FakeWorld } from "./fakes/index.js";
import { buildConfig } from "./config-builder.js";
import { pullRequest } from "./job-builders.js";

export function commandWorld(overrides: Parameters<typeof buildConfig>[0] = {}): FakeWorld {
  const w = fakeWorld();
  w.configs.set(buildConfig({ services: { web: { maxReplicas: 8 } }, commands: { replicaQuota: 6 }, ...overrides }));
  w.commands.pulls.set(7, pullRequest());
  w.commands.permissions.set("alice", "write");
  w.commands.permissions.set("root", "admin");
  w.commands.permissions.set("rita", "read");
  return w;
}

/** The body of Berth's one reply to comment 555 as it reads now (without its marker line). */
export function replyTo(w: FakeWorld, commentId = 555): string {
  const replies = w.github.comments.filter(
    (c) => c.byBot && c.body.startsWith(`<!-- berth:command:${commentId} -->\n`),
  );
  if (replies.length !== 1) throw new Error(`expected one reply to comment ${commentId}, found ${replies.length}`);
  return replies[0]!.body.slice(replies[0]!.body.indexOf("\n") + 1);
}

export function reactionsOn(w: FakeWorld, commentId = 555): string[] {
  return w.github.reactions.filter((r) => r.commentId === commentId).map((r) => r.reaction);
}
