// A release: what one healthy deploy of a branch environment ran, kept so production can promote it and a
// rollback can redeploy it byte for byte (the recorded render, not a new one).
import type { RecordedImage } from "./render/pin-images.js";

export interface Release {
  id: string; // "<environment>-<ms>-<sha7>"
  environment: "staging" | "production";
  stack: string;
  sha: string;
  ref: string;
  trigger: string; // push, release, tag, ci, command, rollback
  sender: string;
  /** GitHub App installation, so a rollback started from the CLI can report on GitHub. */
  installationId: number;
  at: number; // ms epoch when it became healthy
  url: string;
  probeUrl: string;
  /** sha256 of the rendered YAML. */
  hash: string;
  yaml: string;
  /** Per service (short name): the image that ran. */
  images: Record<string, RecordedImage>;
  /** For a rollback: the release it restored. */
  restoredFrom?: string;
}

/**
 * Which release a rollback restores, from newest-first history: a given SHA (its newest release), a release id,
 * or with neither, the newest release whose SHA differs from the current one.
 */
export function rollbackTarget(
  history: readonly Release[],
  want: { sha?: string; releaseId?: string },
): Release | { error: string } {
  if (history.length === 0) return { error: "no releases recorded for this environment yet; nothing to roll back to" };
  if (want.releaseId)
    return history.find((r) => r.id === want.releaseId) ?? { error: `no release ${want.releaseId} in the history` };
  if (want.sha) {
    const found = history.find((r) => r.sha === want.sha || (want.sha!.length >= 7 && r.sha.startsWith(want.sha!)));
    return found ?? { error: `no release of ${want.sha} among the last ${history.length}; see berth history` };
  }
  const current = history[0]!;
  return (
    history.find((r) => r.sha !== current.sha) ?? {
      error: `only ${current.sha.slice(0, 7)} was ever released here; nothing older to restore`,
    }
  );
}

export function releaseLine(r: Release): string {
  const images = Object.entries(r.images)
    .map(([s, i]) => `${s}=${i.id.slice(0, 19)}`)
    .join(",");
  return `${new Date(r.at).toISOString()}  ${r.sha.slice(0, 12)}  ${r.trigger.padEnd(8)} ${r.sender.padEnd(12)} stack-sha256:${r.hash.slice(0, 12)}  ${images}  ${r.id}`;
}
