#!/usr/bin/env bash
# Builds the offline test images from Debian's busybox-static (no registry is reachable). Each image is labelled with
# a hash of its recipe; it is rebuilt only when the recipe changes.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BUSYBOX=/bin/busybox
[ -x "$BUSYBOX" ] || { echo "busybox-static is not installed" >&2; exit 1; }
recipe_hash() { cat "$HERE/build.sh" "$HERE/$1" "$BUSYBOX" | sha256sum | cut -c1-16; }

# Caddy for the ingress image comes from Debian's caddy package, unpacked (not installed: no service is wanted on
# the host). Cached under the infra state directory.
CADDY_DIR=/var/lib/berth-dev/caddy
caddy_binary() {
  [ -x "$CADDY_DIR/root/usr/bin/caddy" ] && return 0
  mkdir -p "$CADDY_DIR"
  ( cd "$CADDY_DIR" && { apt-get download caddy >/dev/null 2>&1 || { apt-get update -qq && apt-get download caddy >/dev/null; }; } )
  dpkg-deb -x "$(ls "$CADDY_DIR"/caddy_*.deb | head -1)" "$CADDY_DIR/root"
}

build() { # name:tag entry-script [with-caddy]
  local image=$1 entry=$2 caddy=${3:-} hash
  [ -n "$caddy" ] && caddy_binary
  hash=$(recipe_hash "$entry")
  [ -n "$caddy" ] && hash=$(cat "$HERE/build.sh" "$HERE/$entry" "$BUSYBOX" "$CADDY_DIR/root/usr/bin/caddy" | sha256sum | cut -c1-16)
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
  if [ -n "$caddy" ]; then
    cp "$CADDY_DIR/root/usr/bin/caddy" "$root/bin/caddy"
    # Caddy is linked dynamically: bring the libraries it names, at the same paths.
    for lib in $(ldd "$CADDY_DIR/root/usr/bin/caddy" | grep -o '/[^ ]*'); do
      mkdir -p "$root$(dirname "$lib")"
      cp -L "$lib" "$root$lib"
    done
  fi
  echo "root:x:0:0:root:/tmp:/bin/sh" >"$root/etc/passwd"
  tar -C "$root" -c . | docker import \
    -c 'CMD ["/entry.sh"]' -c 'ENV PATH=/bin' -c 'EXPOSE 8080' -c "LABEL berth.recipe=$hash" - "$image" >/dev/null
  rm -rf "$root"
}

build berth-test-web:1 web-entry.sh
build berth-test-broken:1 broken-entry.sh
build berth-test-ingress:1 ingress-entry.sh caddy
build berth-test-flaky:1 flaky-entry.sh
