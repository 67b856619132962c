#!/usr/bin/env bash
# Builds Berth's image and a Redis image offline, from what this machine has (no base image can be pulled): a rootfs
# with the node (or redis) binary and the shared libraries ldd lists, plus the app and its production node_modules
# (the lock file's non-dev packages, copied from the installed tree), imported with `docker import`. Same entrypoint,
# layout and health check script as deploy/Dockerfile, so deploy/berth-stack.yml runs either.
#   bash scripts/selfhost/build-images.sh [berth-image] [redis-image]
# Rebuilt only when the recipe changes (label berth.recipe = hash of the inputs).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BERTH_IMAGE=${1:-berth-selfhost:local}
REDIS_IMAGE=${2:-berth-selfhost-redis:local}
NODE_BIN=$(readlink -f "$(command -v node)")
REDIS_BIN=/usr/bin/redis-server
[ -x "$REDIS_BIN" ] || { echo "redis-server is not installed (scripts/infra/up.sh installs it)" >&2; exit 1; }

copy_with_libs() { # binary rootfs target-path
  local bin=$1 root=$2 target=$3
  mkdir -p "$root$(dirname "$target")"
  cp -L "$bin" "$root$target"
  for lib in $(ldd "$bin" | grep -o '/[^ ]*'); do
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
  done
}

current() { # image hash
  [ "$(docker image inspect "$1" --format '{{index .Config.Labels "berth.recipe"}}' 2>/dev/null || true)" = "$2" ]
}

base_rootfs() { # root
  mkdir -p "$1/tmp" "$1/etc"
  chmod 1777 "$1/tmp"
  printf 'root:x:0:0:root:/tmp:/bin/false\nnode:x:1000:1000:node:/tmp:/bin/false\n' >"$1/etc/passwd"
  printf 'root:x:0:\nnode:x:1000:\n' >"$1/etc/group"
  # Name resolution inside the container (service names on the stack's network) needs nsswitch to say files+dns.
  echo "hosts: files dns" >"$1/etc/nsswitch.conf"
}

# --- Berth ---------------------------------------------------------------------------------------------------------
berth_hash=$( (cd "$ROOT" && git ls-files -s app templates deploy deploy-configs/berth-config.schema.json package.json package-lock.json tsconfig.json \
  && cat scripts/selfhost/build-images.sh && git diff HEAD -- app templates deploy package-lock.json) | sha256sum | cut -c1-16)
berth_hash="$berth_hash-$(sha256sum "$NODE_BIN" | cut -c1-8)"
if ! current "$BERTH_IMAGE" "$berth_hash"; then
  echo "[selfhost] building $BERTH_IMAGE"
  root=$(mktemp -d)
  trap 'rm -rf "$root"' EXIT
  base_rootfs "$root"
  copy_with_libs "$NODE_BIN" "$root" /usr/local/bin/node
  mkdir -p "$root/app/deploy-configs" "$root/app/deploy"
  (cd "$ROOT" && cp -r package.json package-lock.json tsconfig.json app templates "$root/app/")
  cp "$ROOT/deploy/healthcheck.mjs" "$root/app/deploy/"
  # The config schema is code (imported by the validator); the configs themselves come from a Swarm config.
  cp "$ROOT/deploy-configs/berth-config.schema.json" "$root/app/deploy-configs/"
  # Production packages only: every lock entry not marked dev, copied from the installed tree (node_modules may be a
  # symlink to a shared install; -L copies what it points to).
  node -e '
    const lock = require(process.argv[1] + "/package-lock.json");
    for (const [path, p] of Object.entries(lock.packages))
      if (path.startsWith("node_modules/") && !p.dev && !p.link) console.log(path);
  ' "$ROOT" | while read -r pkg; do
    [ -e "$ROOT/$pkg" ] || continue # an optional package for another platform
    mkdir -p "$root/app/$(dirname "$pkg")"
    cp -rL "$ROOT/$pkg" "$root/app/$pkg"
  done
  rm -rf "$root/app/node_modules/.bin"
  chown -R 1000:1000 "$root/app/deploy-configs"
  tar -C "$root" -c . | docker import \
    -c 'WORKDIR /app' -c 'ENV PATH=/usr/local/bin:/usr/bin:/bin NODE_ENV=production' \
    -c 'ENTRYPOINT ["node", "--import", "tsx"]' -c 'CMD ["app/main/start-server.ts"]' \
    -c "LABEL berth.recipe=$berth_hash" - "$BERTH_IMAGE" >/dev/null
  rm -rf "$root"
  trap - EXIT
fi

# --- Redis ---------------------------------------------------------------------------------------------------------
redis_hash=$(cat "$ROOT/scripts/selfhost/build-images.sh" "$REDIS_BIN" /usr/bin/redis-cli | sha256sum | cut -c1-16)
if ! current "$REDIS_IMAGE" "$redis_hash"; then
  echo "[selfhost] building $REDIS_IMAGE"
  root=$(mktemp -d)
  trap 'rm -rf "$root"' EXIT
  base_rootfs "$root"
  copy_with_libs "$REDIS_BIN" "$root" /usr/bin/redis-server
  copy_with_libs /usr/bin/redis-cli "$root" /usr/bin/redis-cli
  mkdir -p "$root/data"
  tar -C "$root" -c . | docker import \
    -c 'WORKDIR /data' -c 'ENV PATH=/usr/bin:/bin' -c 'CMD ["redis-server"]' \
    -c "LABEL berth.recipe=$redis_hash" - "$REDIS_IMAGE" >/dev/null
  rm -rf "$root"
  trap - EXIT
fi
echo "[selfhost] images: $BERTH_IMAGE $REDIS_IMAGE"
