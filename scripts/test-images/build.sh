#!/usr/bin/env bash
# Builds the offline test images from Debian's busybox-static (no registry is reachable). Each image is labelled with
# a hash of its recipe; it is rebuilt only when the recipe changes.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BUSYBOX=/bin/busybox
[ -x "$BUSYBOX" ] || { echo "busybox-static is not installed" >&2; exit 1; }
recipe_hash() { cat "$HERE/build.sh" "$HERE/$1" "$BUSYBOX" | sha256sum | cut -c1-16; }

build() { # name:tag entry-script
  local image=$1 entry=$2 hash
  hash=$(recipe_hash "$entry")
  if [ "$(docker image inspect "$image" --format '{{index .Config.Labels "berth.recipe"}}' 2>/dev/null || true)" = "$hash" ]; then
    return 0
  fi
  echo "[images] building $image"
  local root
  root=$(mktemp -d)
  mkdir -p "$root/bin" "$root/tmp" "$root/www" "$root/etc"
  cp "$BUSYBOX" "$root/bin/busybox"
  for applet in $("$BUSYBOX" --list); do [ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"; done
  install -m 755 "$HERE/$entry" "$root/entry.sh"
  echo "root:x:0:0:root:/tmp:/bin/sh" >"$root/etc/passwd"
  tar -C "$root" -c . | docker import \
    -c 'CMD ["/entry.sh"]' -c 'ENV PATH=/bin' -c 'EXPOSE 8080' -c "LABEL berth.recipe=$hash" - "$image" >/dev/null
  rm -rf "$root"
}

build berth-test-web:1 web-entry.sh
build berth-test-broken:1 broken-entry.sh
