export { checkRunState } from "./check-run.js";
export { deploymentStatus } from "./deployment-status.js";
export { previewComment, previewCommentMarker } from "./preview-comment.js";
export type { EnvironmentView, Phase } from "./view-model.js";
