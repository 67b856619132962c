#!/usr/bin/env bash
# Brings up what Berth's demo and tests need on a Debian 12 machine, as root: Docker engine + single-node Swarm on
# 127.0.0.1, Redis, an sshd on 127.0.0.1:2222 (Berth reaches Docker only through SSH), offline test images.
# Idempotent and fast when everything already runs. Machine state lives in /var/lib/berth-dev, shared by every clone.
set -euo pipefail
STATE=/var/lib/berth-dev
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mkdir -p "$STATE"
exec 9>"$STATE/up.lock"
flock -w 300 9 || { echo "up.sh: another bring-up holds $STATE/up.lock" >&2; exit 1; }
started=$(date +%s.%N)
say() { printf '[infra] %s\n' "$*"; }
die() { printf '[infra] ERROR: %s\n' "$*" >&2; exit 1; }

# --- packages -------------------------------------------------------------------------------------------------
need=()
# prometheus, etcd, caddy and chromium serve the metrics, discovery, routing and status-page tests.
for pkg in docker.io redis-server redis-tools openssh-server openssh-client busybox-static iproute2 util-linux curl \
  docker-registry prometheus etcd-server etcd-client caddy chromium; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  say "installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >"$STATE/apt.log" 2>&1 || { tail -20 "$STATE/apt.log"; die "apt-get install failed"; }
fi

# --- Docker engine --------------------------------------------------------------------------------------------
if ! docker info >/dev/null 2>&1; then
  say "starting dockerd (log: $STATE/dockerd.log)"
  # No systemd here: run the engine by hand. It starts its own containerd.
  # 9>&-: daemons must not inherit the lock's descriptor, or they would hold the lock for their whole life.
  nohup dockerd --pidfile "$STATE/dockerd.pid" >"$STATE/dockerd.log" 2>&1 9>&- &
  for _ in $(seq 1 120); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
  docker info >/dev/null 2>&1 || { tail -30 "$STATE/dockerd.log" >&2; die "dockerd did not come up within 60 s"; }
fi
if [ "$(docker info --format '{{.Swarm.LocalNodeState}}')" != "active" ]; then
  say "initialising swarm on 127.0.0.1"
  docker swarm init --advertise-addr 127.0.0.1 >/dev/null
fi

# --- Redis ----------------------------------------------------------------------------------------------------
if ! redis-cli -p 6379 ping 2>/dev/null | grep -q PONG; then
  say "starting redis on 127.0.0.1:6379"
  # noeviction: BullMQ must never lose queue keys to eviction.
  redis-server --port 6379 --bind 127.0.0.1 --daemonize yes --maxmemory-policy noeviction \
    --pidfile "$STATE/redis.pid" --logfile "$STATE/redis.log" --dir "$STATE" 9>&-
  for _ in $(seq 1 50); do redis-cli -p 6379 ping 2>/dev/null | grep -q PONG && break; sleep 0.1; done
  redis-cli -p 6379 ping | grep -q PONG || die "redis did not answer"
fi

# --- sshd on 127.0.0.1:2222 -------------------------------------------------------------------------------------
SSHD="$STATE/ssh"
mkdir -p "$SSHD" /run/sshd
chmod 700 "$SSHD"
[ -f "$SSHD/host_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C berth-dev-host -f "$SSHD/host_ed25519"
[ -f "$SSHD/id_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C berth-dev-client -f "$SSHD/id_ed25519"
getent group docker >/dev/null || groupadd docker
if ! id berth >/dev/null 2>&1; then
  useradd --create-home --shell /bin/bash --groups docker berth
fi
id -nG berth | grep -qw docker || usermod -aG docker berth
# useradd leaves the password "!" (locked), and sshd without PAM refuses locked accounts even for key auth; "*"
# means "no password can match" without locking.
[ "$(getent shadow berth | cut -d: -f2)" = "*" ] || usermod -p '*' berth
install -d -m 700 -o berth -g berth /home/berth/.ssh
install -m 600 -o berth -g berth "$SSHD/id_ed25519.pub" /home/berth/.ssh/authorized_keys
cat >"$SSHD/sshd_config" <<CONF
Port 2222
ListenAddress 127.0.0.1
HostKey $SSHD/host_ed25519
PidFile $SSHD/sshd.pid
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
PermitRootLogin no
AllowUsers berth
UsePAM no
# Berth keeps one connection per manager and opens a channel per command: allow more than the default 10.
MaxSessions 64
MaxStartups 32:30:100
LogLevel ERROR
CONF
if ! { [ -f "$SSHD/sshd.pid" ] && kill -0 "$(cat "$SSHD/sshd.pid")" 2>/dev/null; }; then
  say "starting sshd on 127.0.0.1:2222"
  /usr/sbin/sshd -t -f "$SSHD/sshd_config" || die "sshd config invalid"
  /usr/sbin/sshd -f "$SSHD/sshd_config" -E "$STATE/sshd.log" 9>&-
  for _ in $(seq 1 50); do [ -f "$SSHD/sshd.pid" ] && break; sleep 0.1; done
fi
HOST_KEY="$(cut -d' ' -f1,2 "$SSHD/host_ed25519.pub")"

# --- local registry on 127.0.0.1:5055 (build-from-source pushes for multi-node Swarms) -----------------------------
# Debian's docker-registry with its own config and data under $STATE; Docker treats 127.0.0.0/8 registries as
# insecure (plain HTTP) by default, so no TLS is needed. Only this machine can reach it.
REGISTRY="$STATE/registry"
mkdir -p "$REGISTRY/data"
cat >"$REGISTRY/config.yml" <<CONF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $REGISTRY/data
  delete:
    enabled: true
http:
  addr: 127.0.0.1:5055
CONF
if ! { [ -f "$REGISTRY/registry.pid" ] && kill -0 "$(cat "$REGISTRY/registry.pid")" 2>/dev/null; }; then
  say "starting docker-registry on 127.0.0.1:5055"
  nohup /usr/bin/docker-registry serve "$REGISTRY/config.yml" >"$STATE/registry.log" 2>&1 9>&- &
  echo $! >"$REGISTRY/registry.pid"
  for _ in $(seq 1 50); do curl -fsS -o /dev/null http://127.0.0.1:5055/v2/ 2>/dev/null && break; sleep 0.1; done
  curl -fsS -o /dev/null http://127.0.0.1:5055/v2/ || { tail -20 "$STATE/registry.log" >&2; die "docker-registry did not answer on 127.0.0.1:5055"; }
fi

# --- etcd (service registry tests): its own member on 127.0.0.1:27379 (clients) / 27380 (peers), data in STATE --
ETCD=$STATE/etcd
mkdir -p "$ETCD"
if ! { [ -f "$ETCD/etcd.pid" ] && kill -0 "$(cat "$ETCD/etcd.pid")" 2>/dev/null; }; then
  say "starting etcd on 127.0.0.1:27379"
  nohup /usr/bin/etcd --name berth-dev --data-dir "$ETCD/data" \
    --listen-client-urls http://127.0.0.1:27379 --advertise-client-urls http://127.0.0.1:27379 \
    --listen-peer-urls http://127.0.0.1:27380 --initial-advertise-peer-urls http://127.0.0.1:27380 \
    --initial-cluster berth-dev=http://127.0.0.1:27380 --listen-metrics-urls http://127.0.0.1:27381 \
    >"$STATE/etcd.log" 2>&1 9>&- &
  echo $! >"$ETCD/etcd.pid"
  for _ in $(seq 1 50); do ETCDCTL_API=3 etcdctl --endpoints=127.0.0.1:27379 endpoint health >/dev/null 2>&1 && break; sleep 0.2; done
  ETCDCTL_API=3 etcdctl --endpoints=127.0.0.1:27379 endpoint health >/dev/null 2>&1 || { tail -20 "$STATE/etcd.log" >&2; die "etcd did not answer on 127.0.0.1:27379"; }
fi

# --- test images ----------------------------------------------------------------------------------------------
bash "$HERE/../test-images/build.sh"
bash "$HERE/../test-images/build-edge.sh"
bash "$HERE/../test-images/build-dockercli.sh"

# --- the two-node fault Swarm (its own manager + worker in network namespaces; see node2.sh) --------------------
rm -f "$STATE/env.faults"
if [ "${BERTH_NODES:-2}" != "1" ]; then
  bash "$HERE/node2.sh" up 9>&- || die "the two-node Swarm did not come up (BERTH_NODES=1 skips it)"
fi

# --- coordinates for Berth, the demo and the tests ------------------------------------------------------------
cat >"$STATE/env.tmp" <<ENV
BERTH_SSH_HOST=127.0.0.1
BERTH_SSH_PORT=2222
BERTH_SSH_USER=berth
BERTH_SSH_KEY_PATH=$SSHD/id_ed25519
BERTH_SSH_HOST_KEY="$HOST_KEY"
REDIS_URL=redis://127.0.0.1:6379
BERTH_TEST_IMAGE=berth-test-web:1
BERTH_BROKEN_IMAGE=berth-test-broken:1
BERTH_REGISTRY=127.0.0.1:5055
BERTH_ETCD_ENDPOINTS=127.0.0.1:27379
ENV
[ -f "$STATE/env.faults" ] && cat "$STATE/env.faults" >>"$STATE/env.tmp"
mv "$STATE/env.tmp" "$STATE/env"

# --- verify ---------------------------------------------------------------------------------------------------
echo "[127.0.0.1]:2222 $HOST_KEY" >"$SSHD/known_hosts"
ssh -q -i "$SSHD/id_ed25519" -p 2222 -o BatchMode=yes -o StrictHostKeyChecking=yes \
  -o UserKnownHostsFile="$SSHD/known_hosts" berth@127.0.0.1 docker version --format '{{.Server.Version}}' >/dev/null \
  || die "docker over ssh as berth@127.0.0.1:2222 does not work (see $STATE/sshd.log)"
say "ready in $(awk "BEGIN{printf \"%.1f\", $(date +%s.%N) - $started}") s: swarm $(docker info --format '{{.Swarm.LocalNodeState}}'), redis, sshd :2222, registry :5055, images; env in $STATE/env"
