#!/bin/sh
# berth-test-policy: a web task that says who it is, and can be made to fail or to be slow, for the traffic-policy
# tests behind the Caddy edge. /cgi-bin/who answers "task=<hostname> sha=<BERTH_SHA>", or 500 while /tmp/broken
# exists (a test creates it in one task with docker exec); /cgi-bin/slow answers after SLOW_SECONDS (default 5).
mkdir -p /www/cgi-bin
echo ok >/www/healthz
cat >/www/cgi-bin/who <<'CGI'
#!/bin/sh
if [ -f /tmp/broken ]; then
  printf 'HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\n\r\nbroken task=%s\n' "$(hostname)"
else
  printf 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\ntask=%s sha=%s\n' "$(hostname)" "$BERTH_SHA"
fi
CGI
cat >/www/cgi-bin/slow <<'CGI'
#!/bin/sh
sleep "${SLOW_SECONDS:-5}"
printf 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nslow task=%s\n' "$(hostname)"
CGI
chmod +x /www/cgi-bin/who /www/cgi-bin/slow
echo "berth-test-policy starting: sha=${BERTH_SHA:-unknown} port=${PORT:-8080}"
httpd -f -v -p "${PORT:-8080}" -h /www &
pid=$!
trap 'kill $pid; exit 0' TERM INT
wait $pid
