// Container health check for Berth's image, plain JavaScript so it starts in milliseconds (no TypeScript loader):
//   node deploy/healthcheck.mjs server   GET http://127.0.0.1:$PORT/healthz answers 200 (which pings Redis)
//   node deploy/healthcheck.mjs worker   Redis at $REDIS_URL answers PING (the worker's one dependency it cannot
//                                        do without; a worker that lost it retries and reports nothing)
/* global process, console, setTimeout, fetch, URL */
import { connect } from "node:net";

const role = process.argv[2];
const fail = (why) => {
  console.error(`unhealthy: ${why}`);
  process.exit(1);
};
setTimeout(() => fail("no answer within 4 s"), 4000).unref();

if (role === "server") {
  const res = await fetch(`http://127.0.0.1:${process.env.PORT || 3000}/healthz`).catch((e) => fail(e.message));
  if (res.status !== 200) fail(`/healthz answered ${res.status}`);
  process.exit(0);
} else if (role === "worker") {
  const url = new URL(process.env.REDIS_URL || "redis://127.0.0.1:6379");
  const socket = connect(Number(url.port || 6379), url.hostname);
  socket.on("error", (e) => fail(e.message));
  const auth = url.password ? `AUTH ${decodeURIComponent(url.password)}\r\n` : "";
  socket.write(`${auth}PING\r\n`);
  let answer = "";
  socket.on("data", (d) => {
    answer += d.toString();
    if (answer.includes("+PONG")) process.exit(0);
    if (/(^|\n)-/.test(answer)) fail(`redis answered ${answer.trim()}`);
  });
} else {
  fail("usage: node deploy/healthcheck.mjs server|worker");
}
