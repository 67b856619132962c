#!/bin/sh
# berth-test-web: serves the SHA it was deployed with (env BERTH_SHA) so a test can tell versions apart.
mkdir -p /www
echo "berth-test-web sha=${BERTH_SHA:-unknown}" > /www/index.html
echo ok > /www/healthz
echo "berth-test-web starting: sha=${BERTH_SHA:-unknown} port=${PORT:-8080}"
# -v logs each request to stderr, so `docker service logs` has real lines.
exec httpd -f -v -p "${PORT:-8080}" -h /www
