// Intentions that name no configured service, repeat a pair, or deny what an allowed pair's network lets through:
// refused when the config is read, at the intention's own line (core/render/intentions.ts decides what is wrong).
import type { DeployConfig } from "./types.js";
import type { SchemaMessage } from "./schema-messages.js";
import { pointerFrom } from "./yaml-positions.js";
import { declaresIntentions, intentionProblems } from "../render/intentions.js";

export function intentionConfigProblems(config: Omit<DeployConfig, "file">): SchemaMessage[] {
  if (!declaresIntentions(config.intentions)) return [];
  const out: SchemaMessage[] = intentionProblems(config.intentions, Object.keys(config.services)).map((p) => ({
    pointer: pointerFrom(["intentions", String(p.index), p.field]),
    at: "value",
    message: p.message,
  }));
  if (config.preview.attachableNetwork === true)
    out.push({
      pointer: "/preview/attachableNetwork",
      at: "value",
      message:
        "with intentions no service joins the shared stack network, so there is nothing to attach to (a standalone container on a pair network would bypass the intentions); remove attachableNetwork or the intentions",
    });
  return out;
}
