// Entry of the bundled action (actions/validate/dist/index.js): the runner starts it with node24.
import { annotation } from "../lib/workflow.js";
import { validateAction } from "./main.js";

try {
  process.exit(await validateAction(process.env, (line) => console.log(line)));
} catch (e) {
  console.log(annotation("error", `Berth validate failed: ${(e as Error).message}`, { title: "Berth validate" }));
  process.exit(1);
}
