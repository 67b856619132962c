// Webhook server only; scale it separately from workers (jobs wait in Redis).
import { main } from "./boot.js";
await main({ server: true, worker: false });
