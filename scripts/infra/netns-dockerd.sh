#!/bin/sh
# Runs inside `ip netns exec <ns> unshare --uts`: names the node, gives dockerd the cgroup mounts that `ip netns exec`
# hid (it mounts a fresh /sys for the namespace, which detaches /sys/fs/cgroup) and becomes dockerd.
#   netns-dockerd.sh <hostname> <dockerd args…>
set -eu
hostname "$1"
shift
# Recreate the host's cgroup mounts exactly as pid 1 sees them (v1 hierarchies, the v2 unified one, or both).
grep -E '^[^ ]+ /sys/fs/cgroup[^ ]* ' /proc/1/mounts | while read -r src dir fstype opts _; do
  mkdir -p "$dir"
  case "$fstype" in
    tmpfs) mount -t tmpfs -o mode=755 "$src" "$dir" ;;
    cgroup2) mount -t cgroup2 "$src" "$dir" ;;
    cgroup)
      # Keep only the controller / name= options; rw,relatime and friends are not hierarchy identity.
      sub=$(printf '%s' "$opts" | tr ',' '\n' | grep -vE '^(rw|ro|relatime|nosuid|nodev|noexec|clone_children)$' | paste -sd, -)
      mount -t cgroup -o "${sub:-none}" "$src" "$dir" ;;
  esac
done
exec dockerd "$@"
