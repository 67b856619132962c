// The `ssh:` block of every deploy config the demo, tests and benchmarks write: the manager is the sshd that
// scripts/infra/up.sh starts, and Berth reads its coordinates from its own environment (the infra env file) when it
// loads the config.
export const LOCAL_SSH_YAML = `ssh:
  host: \${BERTH_SSH_HOST}
  port: \${BERTH_SSH_PORT}
  user: \${BERTH_SSH_USER}
  privateKeyPath: \${BERTH_SSH_KEY_PATH}
  hostKey: \${BERTH_SSH_HOST_KEY}`;
