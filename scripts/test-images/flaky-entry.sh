#!/bin/sh
# berth-test-flaky: serves like berth-test-web (its SHA at /, ok at /healthz), then after FLAKY_AFTER_SECONDS
# (default 4) its health endpoint disappears: the healthcheck passes first and fails a few seconds later, the way a
# release that leaks or loses its database connection does. Swarm's update monitor then rolls it back.
mkdir -p /www
echo "berth-test-web sha=${BERTH_SHA:-unknown}" > /www/index.html
echo ok > /www/healthz
echo "berth-test-flaky starting: sha=${BERTH_SHA:-unknown} healthy for ${FLAKY_AFTER_SECONDS:-4} s"
httpd -f -v -p "${PORT:-8080}" -h /www &
pid=$!
trap 'echo "berth-test-flaky stopping"; kill $pid; exit 0' TERM INT
( sleep "${FLAKY_AFTER_SECONDS:-4}"; rm -f /www/healthz; echo "berth-test-flaky: health endpoint gone" ) &
wait $pid
