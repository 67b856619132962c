#!/usr/bin/env bash
# Builds the routing images offline: berth-edge:1, the Caddy edge of routing mode caddy, from Debian's caddy package
# (unpacked by build.sh into /var/lib/berth-dev/caddy) and busybox-static (nc reaches the admin API inside the
# container); berth-test-policy:1, a busybox web task for the traffic-policy tests (CGI: who am I, fail, be slow).
# Kept apart from build.sh so adding them does not change the other images' recipe hashes.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BUSYBOX=/bin/busybox
CADDY=/var/lib/berth-dev/caddy/root/usr/bin/caddy
[ -x "$CADDY" ] || bash "$HERE/build.sh" # unpacks caddy for the ingress image
build() { # image entry-script with-caddy(0|1)
  local image=$1 entry=$2 caddy=$3 hash root
  hash=$(cat "$HERE/build-edge.sh" "$HERE/$entry" "$BUSYBOX" "$CADDY" | sha256sum | cut -c1-16)
  if [ "$(docker image inspect "$image" --format '{{index .Config.Labels "berth.recipe"}}' 2>/dev/null || true)" = "$hash" ]; then
    return 0
  fi
  echo "[images] building $image"
  root=$(mktemp -d)
  mkdir -p "$root/bin" "$root/tmp" "$root/data" "$root/etc" "$root/www"
  cp "$BUSYBOX" "$root/bin/busybox"
  for applet in $("$BUSYBOX" --list); do [ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"; done
  install -m 755 "$HERE/$entry" "$root/entry.sh"
  if [ "$caddy" = 1 ]; then
    cp "$CADDY" "$root/bin/caddy"
    for lib in $(ldd "$CADDY" | grep -o '/[^ ]*'); do
      mkdir -p "$root$(dirname "$lib")"
      cp -L "$lib" "$root$lib"
    done
  fi
  echo "root:x:0:0:root:/tmp:/bin/sh" >"$root/etc/passwd"
  tar -C "$root" -c . | docker import \
    -c 'CMD ["/entry.sh"]' -c 'ENV PATH=/bin' -c "LABEL berth.recipe=$hash" - "$image" >/dev/null
  rm -rf "$root"
}

build berth-edge:1 edge-entry.sh 1
build berth-test-policy:1 policy-entry.sh 0
