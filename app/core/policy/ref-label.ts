// Branch and tag names are chosen by whoever opens the PR (a fork's author included): they may be 255 bytes of
// almost anything, including shell and YAML metacharacters, unicode look-alikes and newlines. Berth never builds a
// name from them (environments are named from the PR number); where a branch is shown as a label value it passes
// through here first: a conservative alphabet, bounded length, and a hash suffix so two long refs that share a
// prefix stay distinguishable.
import { createHash } from "node:crypto";

export const REF_LABEL_MAX = 63;

export function refLabel(ref: string, max = REF_LABEL_MAX): string {
  if (max < 16) throw new Error(`refLabel needs room for a hash suffix: max must be ≥ 16, got ${max}`);
  const cleaned = ref
    .normalize("NFKC")
    .replace(/^refs\/(heads|tags)\//, "")
    .replace(/[^A-Za-z0-9._/-]+/g, "-")
    .replace(/-{2,}/g, "-")
    .replace(/^[-./]+|[-./]+$/g, "");
  if (cleaned === "") return "unnamed";
  if (cleaned.length <= max && cleaned === ref.replace(/^refs\/(heads|tags)\//, "")) return cleaned;
  // Changed or cut: append a short hash of the original so distinct refs keep distinct labels.
  const hash = createHash("sha256").update(ref).digest("hex").slice(0, 8);
  const head = cleaned.slice(0, max - hash.length - 1).replace(/[-./]+$/, "");
  return `${head || "ref"}-${hash}`;
}
