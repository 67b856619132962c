// One GET through the edge: connect to the edge's node but speak to the environment's host name (Host header and
// TLS SNI), trusting the edge's CA root when it has its own. Node's fetch cannot override name resolution, so this
// uses node:https with a lookup that answers the edge's address.
import { request as httpsRequest } from "node:https";
import { request as httpRequest } from "node:http";
import { isIP } from "node:net";
import type { LookupFunction } from "node:net";
import type { EdgeProbe } from "../../ports/edge-router.js";

export function getVia(url: string, via: EdgeProbe, timeoutMs: number): Promise<{ status: number; body: string }> {
  const target = new URL(url);
  const family = isIP(via.connectTo) === 6 ? 6 : 4;
  const lookup: LookupFunction = (_host, options, callback) => {
    if ((options as { all?: boolean }).all) callback(null, [{ address: via.connectTo, family }]);
    else callback(null, via.connectTo, family);
  };
  const request = target.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      target,
      {
        method: "GET",
        lookup,
        servername: target.hostname,
        ...(via.ca ? { ca: via.ca } : {}),
        timeout: timeoutMs,
        headers: { connection: "close" },
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          if (body.length < 4096) body += chunk;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", reject);
    req.end();
  });
}
