// A config names its template; the stack is rendered from that file's text. Previews and branch deploys both start
// here, so a template that is missing or broken fails both the same way (a ConfigError with its file).
import type { ConfigSource } from "../ports/config-source.js";
import type { RenderedStack, RenderInput } from "../core/render/render-stack.js";
import { renderStack } from "../core/render/index.js";

export async function renderFromTemplate(
  configs: ConfigSource,
  input: Omit<RenderInput, "templateFile" | "templateText">,
): Promise<RenderedStack> {
  const template = await configs.template(input.config.template);
  return renderStack({ ...input, templateFile: template.file, templateText: template.text });
}
