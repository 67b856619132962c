// Read-only docker argument lists for the CLI's inventory (plan, status); the deploy path's are in docker-args.ts.
export const inventoryArgs = {
  /** Every service Berth deployed, whatever the repository. */
  berthServiceIds: () => ["docker", "service", "ls", "-q", "--filter", "label=berth.repository"],
  networkIdsAndNames: () => ["docker", "network", "ls", "--no-trunc", "--format", "{{.ID}} {{.Name}}"],
};
