#!/usr/bin/env bash
# Builds berth-test-dockercli:1 offline: busybox-static (sh) and the host's docker CLI with the libraries it links,
# the stand-in for docker:cli. Berth runs it on every node of a multi-node Swarm to remove a torn-down preview's
# volumes there (BERTH_NODE_HELPER_IMAGE); node2.sh loads it into both nodes of the fault Swarm. Kept apart from
# build.sh so adding it does not change the other images' recipe hashes.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BUSYBOX=/bin/busybox
DOCKER=$(command -v docker)
IMAGE=berth-test-dockercli:1
hash=$(cat "$HERE/build-dockercli.sh" "$BUSYBOX" "$DOCKER" | sha256sum | cut -c1-16)
if [ "$(docker image inspect "$IMAGE" --format '{{index .Config.Labels "berth.recipe"}}' 2>/dev/null || true)" = "$hash" ]; then
  exit 0
fi
echo "[images] building $IMAGE"
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/bin" "$root/tmp" "$root/etc"
cp "$BUSYBOX" "$root/bin/busybox"
for applet in $("$BUSYBOX" --list); do [ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"; done
cp "$DOCKER" "$root/bin/docker"
for lib in $(ldd "$DOCKER" | grep -o '/[^ ]*'); do
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done
echo "root:x:0:0:root:/tmp:/bin/sh" >"$root/etc/passwd"
tar -C "$root" -c . | docker import -c 'ENV PATH=/bin' -c 'CMD ["docker", "version"]' -c "LABEL berth.recipe=$hash" - \
  "$IMAGE" >/dev/null
