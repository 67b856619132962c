// deploy/berth-stack.yml adapted to this development machine, structurally (parsed, changed, written again): every
// service joins the host's network namespace instead of an overlay. Here the Swarm manager's sshd and the GitHub
// stand-in listen on the host's loopback only, the tests' network rule allows only 127.0.0.0/8, and the kernel has
// no IPVS; on a real Swarm the file is deployed as it is. Images, secrets, configs, health checks, commands and the
// Redis volume stay the same.
import { parse, stringify } from "yaml";

type Obj = Record<string, unknown>;

export function localStack(text: string, o: { serverPort: number; redisPort: number; workers: number }): string {
  const doc = parse(text, { merge: true }) as Obj;
  for (const key of Object.keys(doc)) if (key.startsWith("x-")) delete doc[key];
  const services = doc.services as Record<string, Obj>;
  const redisUrl = `redis://127.0.0.1:${o.redisPort}`;
  for (const service of Object.values(services)) {
    delete service.ports;
    service.networks = ["hostnet"];
    delete (service.deploy as Obj).endpoint_mode;
  }
  const redis = services.redis!;
  redis.command = [...(redis.command as string[]), "--bind", "127.0.0.1", "--port", String(o.redisPort)];
  redis.healthcheck = { ...(redis.healthcheck as Obj), test: ["CMD", "redis-cli", "-p", String(o.redisPort), "ping"] };
  const server = services.server!;
  server.environment = {
    ...(server.environment as Obj),
    REDIS_URL: redisUrl,
    PORT: String(o.serverPort),
    HOST: "127.0.0.1",
  };
  const worker = services.worker!;
  worker.environment = { ...(worker.environment as Obj), REDIS_URL: redisUrl };
  (worker.deploy as Obj).replicas = o.workers;
  doc.networks = { hostnet: { external: true, name: "host" } };
  return stringify(doc, { lineWidth: 0 });
}
