#!/usr/bin/env bash
# Builds berth-edge:1, the Caddy edge of routing mode caddy, offline from Debian's caddy package (unpacked by
# build.sh into /var/lib/berth-dev/caddy) and busybox-static (nc reaches the admin API inside the container).
# Kept apart from build.sh so adding it does not change the other images' recipe hashes.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BUSYBOX=/bin/busybox
CADDY=/var/lib/berth-dev/caddy/root/usr/bin/caddy
IMAGE=berth-edge:1
[ -x "$CADDY" ] || bash "$HERE/build.sh" # unpacks caddy for the ingress image
hash=$(cat "$HERE/build-edge.sh" "$HERE/edge-entry.sh" "$BUSYBOX" "$CADDY" | sha256sum | cut -c1-16)
if [ "$(docker image inspect "$IMAGE" --format '{{index .Config.Labels "berth.recipe"}}' 2>/dev/null || true)" = "$hash" ]; then
  exit 0
fi
echo "[images] building $IMAGE"
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/bin" "$root/tmp" "$root/data" "$root/etc"
cp "$BUSYBOX" "$root/bin/busybox"
for applet in $("$BUSYBOX" --list); do [ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"; done
install -m 755 "$HERE/edge-entry.sh" "$root/entry.sh"
cp "$CADDY" "$root/bin/caddy"
for lib in $(ldd "$CADDY" | grep -o '/[^ ]*'); do
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done
echo "root:x:0:0:root:/tmp:/bin/sh" >"$root/etc/passwd"
tar -C "$root" -c . | docker import \
  -c 'CMD ["/entry.sh"]' -c 'ENV PATH=/bin' -c 'EXPOSE 443' -c 'EXPOSE 80' -c "LABEL berth.recipe=$hash" - "$IMAGE" >/dev/null
