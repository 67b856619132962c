// Worker only: takes deploy jobs from Redis; run as many as the Swarm managers can take.
import { main } from "./boot.js";
await main({ server: false, worker: true });
