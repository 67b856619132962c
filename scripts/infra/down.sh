#!/usr/bin/env bash
# Stops what up.sh started, by the pidfiles it wrote; never anything else. Packages, images and the swarm stay.
set -uo pipefail
STATE=/var/lib/berth-dev
stop() { # name pidfile
  local pid
  [ -f "$2" ] || return 0
  pid=$(cat "$2")
  if kill -0 "$pid" 2>/dev/null; then
    echo "[infra] stopping $1 (pid $pid)"
    kill "$pid"
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  fi
  rm -f "$2"
}
bash "$(dirname "${BASH_SOURCE[0]}")/node2.sh" down
stop etcd "$STATE/etcd/etcd.pid"
stop docker-registry "$STATE/registry/registry.pid"
stop sshd "$STATE/ssh/sshd.pid"
stop redis "$STATE/redis.pid"
stop dockerd "$STATE/dockerd.pid"
