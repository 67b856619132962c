export { renderStack, type RenderInput, type RenderedStack } from "./render-stack.js";
export { traefikLabels, validateTraefikLabels, type TraefikRoute } from "./traefik-labels.js";
export { publishedPortFor, HOST_PORT_OFFSETS } from "./routing.js";
export { KNOWN_VARIABLES } from "./variables.js";
export { STACK_NETWORK, TRAEFIK_NETWORK_KEY } from "./stack-service.js";
