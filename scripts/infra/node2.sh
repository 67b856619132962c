#!/usr/bin/env bash
# The two-node Swarm for the fault tests and the spread preview, beside (not inside) the shared single-node Swarm:
#   berth-mgr    network namespace with its own dockerd (Swarm manager, advertised on 198.18.240.5)
#   berth-node2  network namespace with its own dockerd, joined to berth-mgr's Swarm as a worker
#   sshd on 127.0.0.1:26100 whose sessions run `docker` against berth-mgr's dockerd (DOCKER_HOST), same keys as :2222
# Why a second Swarm rather than a worker joined to the shared one: the shared manager advertises 127.0.0.1, which a
# namespace cannot reach, and with a second active node Swarm spreads every other test's single-replica services onto
# it, where their host-mode ports are not on 127.0.0.1 — every existing test would break. A Swarm of our own can
# also lose its worker and restart its manager's dockerd without disturbing anyone.
# Addresses: 198.18.240.0/30 (host ↔ berth-mgr) and 198.18.240.4/30 (berth-mgr ↔ berth-node2), from the RFC 2544
# benchmarking block: outside Docker's default pools (172.17-31/16, 192.168/16, 10/8), never routed beyond this host;
# neither namespace has a default route, so nothing in them reaches any other address.
#   node2.sh up                  bring everything up (idempotent), write $STATE/env.faults
#   node2.sh stop mgr|node2      stop that node's dockerd (the fault tests lose a node / restart the manager)
#   node2.sh start mgr|node2     start it again and wait until it answers
#   node2.sh down                stop both dockerds and the sshd, delete the namespaces
set -euo pipefail
STATE=/var/lib/berth-dev
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SSHD="$STATE/ssh"
FAULT_SSH_PORT=26100
HOST_IP=198.18.240.1 MGR_HOST_IP=198.18.240.2 MGR_IP=198.18.240.5 NODE2_IP=198.18.240.6
say() { printf '[node2] %s\n' "$*"; }
die() { printf '[node2] ERROR: %s\n' "$*" >&2; exit 1; }

ns_of() { echo "berth-$1"; }                    # mgr → berth-mgr, node2 → berth-node2
dir_of() { echo "$STATE/$1"; }                  # data root, pidfile, log
run_of() { echo "/run/berth-$1"; }              # exec root and socket (unix socket paths must stay short)
sock_of() { echo "unix://$(run_of "$1")/docker.sock"; }
dk() { local node=$1; shift; docker -H "$(sock_of "$node")" "$@"; }
running() { local p; p="$(dir_of "$1")/dockerd.pid"; [ -f "$p" ] && kill -0 "$(cat "$p")" 2>/dev/null; }

links() {
  ip netns list | grep -qw berth-mgr || ip netns add berth-mgr
  ip netns list | grep -qw berth-node2 || ip netns add berth-node2
  if ! ip link show berth-mgr0 >/dev/null 2>&1; then
    ip link add berth-mgr0 type veth peer name eth-host
    ip link set eth-host netns berth-mgr
    ip addr add "$HOST_IP/30" dev berth-mgr0
    ip link set berth-mgr0 up
    ip netns exec berth-mgr ip addr add "$MGR_HOST_IP/30" dev eth-host
    ip netns exec berth-mgr ip link set eth-host up
  fi
  if ! ip netns exec berth-mgr ip link show eth-node2 >/dev/null 2>&1; then
    ip netns exec berth-mgr ip link add eth-node2 type veth peer name eth-mgr
    ip netns exec berth-mgr ip link set eth-mgr netns berth-node2
    ip netns exec berth-mgr ip addr add "$MGR_IP/30" dev eth-node2
    ip netns exec berth-mgr ip link set eth-node2 up
    ip netns exec berth-node2 ip addr add "$NODE2_IP/30" dev eth-mgr
    ip netns exec berth-node2 ip link set eth-mgr up
  fi
  ip netns exec berth-mgr ip link set lo up
  ip netns exec berth-node2 ip link set lo up
}

start_node() { # mgr|node2
  local node=$1 d r
  d=$(dir_of "$node") r=$(run_of "$node")
  mkdir -p "$d/data" "$r"
  if ! running "$node"; then
    say "starting dockerd in $(ns_of "$node") (log: $d/dockerd.log)"
    rm -f "$r/docker.sock"
    # 9>&-: the daemon must not inherit up.sh's lock descriptor.
    nohup ip netns exec "$(ns_of "$node")" unshare --uts "$HERE/netns-dockerd.sh" "berth-$node" \
      --data-root "$d/data" --exec-root "$r/x" --pidfile "$d/dockerd.pid" -H "$(sock_of "$node")" \
      >>"$d/dockerd.log" 2>&1 9>&- &
  fi
  for _ in $(seq 1 120); do dk "$node" info >/dev/null 2>&1 && return 0; sleep 0.5; done
  tail -20 "$d/dockerd.log" >&2
  die "dockerd in $(ns_of "$node") did not answer within 60 s"
}

stop_node() {
  local node=$1 p pid
  p="$(dir_of "$node")/dockerd.pid"
  [ -f "$p" ] || return 0
  pid=$(cat "$p")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  fi
  rm -f "$p"
}

swarm() {
  if [ "$(dk mgr info --format '{{.Swarm.LocalNodeState}}')" != "active" ]; then
    say "initialising the fault Swarm on $MGR_IP"
    dk mgr swarm init --advertise-addr "$MGR_IP" --listen-addr "$MGR_IP:2377" >/dev/null
  fi
  if [ "$(dk node2 info --format '{{.Swarm.LocalNodeState}}')" != "active" ]; then
    say "joining berth-node2 as a worker"
    # A node2 that was removed from the manager's list cannot come back with its old identity.
    dk node2 swarm leave --force >/dev/null 2>&1 || true
    dk mgr node ls --format '{{.ID}} {{.Hostname}} {{.Status}}' | awk '$2=="berth-node2" && $3=="Down"{print $1}' |
      xargs -r docker -H "$(sock_of mgr)" node rm --force >/dev/null
    dk node2 swarm join --token "$(dk mgr swarm join-token -q worker)" --advertise-addr "$NODE2_IP" \
      --listen-addr "$NODE2_IP:2377" "$MGR_IP:2377" >/dev/null
  fi
  for _ in $(seq 1 60); do
    [ "$(dk mgr node ls --filter role=worker --format '{{.Status}}' | grep -c Ready)" -ge 1 ] && return 0
    sleep 0.5
  done
  die "berth-node2 is not Ready in the fault Swarm"
}

images() { # the offline test images, by ID, on both nodes
  local image id node
  for image in berth-test-web:1 berth-test-broken:1 berth-test-ingress:1 berth-test-dockercli:1; do
    id=$(docker image inspect "$image" --format '{{.Id}}')
    for node in mgr node2; do
      [ "$(dk "$node" image inspect "$image" --format '{{.Id}}' 2>/dev/null || true)" = "$id" ] && continue
      say "loading $image into berth-$node"
      docker save "$image" | dk "$node" load >/dev/null
    done
  done
}

sshd() { # same user, client key and host key as up.sh's sshd; sessions talk to berth-mgr's dockerd
  local d="$STATE/faults-ssh"
  mkdir -p "$d"
  chmod 700 "$d"
  cat >"$d/sshd_config" <<CONF
Port $FAULT_SSH_PORT
ListenAddress 127.0.0.1
HostKey $SSHD/host_ed25519
PidFile $d/sshd.pid
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
PermitRootLogin no
AllowUsers berth
UsePAM no
SetEnv DOCKER_HOST=$(sock_of mgr)
MaxSessions 64
MaxStartups 32:30:100
LogLevel ERROR
CONF
  if ! { [ -f "$d/sshd.pid" ] && kill -0 "$(cat "$d/sshd.pid")" 2>/dev/null; }; then
    say "starting sshd for the fault Swarm on 127.0.0.1:$FAULT_SSH_PORT"
    /usr/sbin/sshd -t -f "$d/sshd_config" || die "sshd config invalid"
    /usr/sbin/sshd -f "$d/sshd_config" -E "$STATE/faults-sshd.log" 9>&-
    for _ in $(seq 1 50); do [ -f "$d/sshd.pid" ] && break; sleep 0.1; done
  fi
}

case "${1:-up}" in
  up)
    links
    start_node mgr
    start_node node2
    swarm
    images
    sshd
    # Swarm labels let a test pin a task to the node it is about to lose, or spread over both.
    dk mgr node update --label-add berth.node=mgr "$(dk mgr info --format '{{.Swarm.NodeID}}')" >/dev/null
    dk mgr node update --label-add berth.node=node2 berth-node2 >/dev/null
    # Both nodes share this machine's filesystem, so each dockerd's socket has its own path, /run/<hostname>/: Berth's
    # per-node volume cleanup (a global job) mounts it with a Swarm template, and runs the docker CLI test image.
    cat >"$STATE/env.faults" <<ENV
BERTH_FAULT_SSH_PORT=$FAULT_SSH_PORT
BERTH_FAULT_DOCKER_HOST=$(sock_of mgr)
BERTH_NODE2_DOCKER_HOST=$(sock_of node2)
BERTH_FAULT_PROBE_HOST=$MGR_HOST_IP
BERTH_NODE_HELPER_IMAGE=berth-test-dockercli:1
BERTH_NODE_DOCKER_SOCKET=/run/{{.Node.Hostname}}/docker.sock
ENV
    say "fault Swarm ready: $(dk mgr node ls --format '{{.Hostname}}:{{.Status}}' | paste -sd' ' -)"
    ;;
  start) links; start_node "$2" ;;
  stop) stop_node "$2" ;;
  down)
    d="$STATE/faults-ssh"
    [ -f "$d/sshd.pid" ] && kill "$(cat "$d/sshd.pid")" 2>/dev/null && rm -f "$d/sshd.pid"
    stop_node node2
    stop_node mgr
    ip netns del berth-node2 2>/dev/null || true
    ip netns del berth-mgr 2>/dev/null || true
    ;;
  *) die "usage: node2.sh up | start mgr|node2 | stop mgr|node2 | down" ;;
esac
