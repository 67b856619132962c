#!/bin/sh
# berth-edge: the Swarm's one Caddy edge in routing mode caddy. Caddy starts with no routes and its admin API on the
# container's loopback (localhost:2019) only; Berth loads the config through `docker exec … nc` and re-applies it
# from what runs after a restart. Certificates, the ACME account and the internal CA live in the /data volume.
export HOME=/tmp XDG_CONFIG_HOME=/data/config XDG_DATA_HOME=/data
mkdir -p /data/config
echo "berth-edge: caddy $(/bin/caddy version)"
exec /bin/caddy run
