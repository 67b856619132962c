#!/bin/sh
# berth-test-ingress: Caddy (from Debian's caddy package) as the one public entry of a stack, in front of services
# that scale and roll behind it. The Swarm here has no IPVS, so a service with a host-mode published port can run
# one task per node; everything else stays behind this proxy. Upstreams are re-resolved every second (dnsrr: one A
# record per task) and a failed connection is retried on another task, so a rolling update drops no request.
export HOME=/tmp XDG_CONFIG_HOME=/tmp XDG_DATA_HOME=/tmp
cat >/tmp/Caddyfile <<CONF
{
	admin off
	auto_https off
}
:${PORT:-8080} {
	reverse_proxy {
		dynamic a ${UPSTREAM_HOST:-web} ${UPSTREAM_PORT:-8080} {
			refresh 1s
		}
		lb_policy round_robin
		lb_try_duration 10s
		lb_try_interval 100ms
		fail_duration 3s
	}
}
CONF
echo "berth-test-ingress: :${PORT:-8080} -> ${UPSTREAM_HOST:-web}:${UPSTREAM_PORT:-8080}"
exec /bin/caddy run --config /tmp/Caddyfile --adapter caddyfile
