#!/bin/sh
# berth-test-web: serves the SHA it was deployed with (env BERTH_SHA) so a test can tell versions apart.
mkdir -p /www
echo "berth-test-web sha=${BERTH_SHA:-unknown}" > /www/index.html
echo ok > /www/healthz
echo "berth-test-web starting: sha=${BERTH_SHA:-unknown} port=${PORT:-8080}"
# -v logs each request to stderr, so `docker service logs` has real lines. httpd runs as a child, not PID 1: PID 1
# ignores SIGTERM by default, which would make every stop wait for stop_grace_period and SIGKILL.
httpd -f -v -p "${PORT:-8080}" -h /www &
pid=$!
trap 'echo "berth-test-web stopping"; kill $pid; exit 0' TERM INT
wait $pid
