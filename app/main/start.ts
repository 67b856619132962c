// npm start: webhook server and worker in one process.
import { main } from "./boot.js";
await main({ server: true, worker: true });
