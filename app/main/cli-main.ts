// The process entry of `berth` (bin/berth.js loads it). Exits explicitly: stdout and stderr are synchronous on
// Linux pipes and files, and a connection a library forgot to close must not keep a script waiting.
import { cli } from "./cli.js";

process.exit(await cli(process.argv.slice(2), process.env));
