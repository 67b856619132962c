// Entry of the bundled action (actions/deploy/dist/index.js): the runner starts it with node24. Exits explicitly so
// a connection left open cannot keep the job running.
import { annotation, setOutput } from "../lib/workflow.js";
import { deployAction } from "./main.js";

const print = (line: string) => console.log(line);
try {
  process.exit(await deployAction(process.env, print));
} catch (e) {
  print(annotation("error", `Berth deploy failed: ${(e as Error).message}`, { title: "Berth deploy" }));
  setOutput(process.env, "status", "failed", print);
  process.exit(1);
}
