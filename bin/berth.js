#!/usr/bin/env node
// `npx berth` / `npm run berth --`: runs the TypeScript CLI through tsx (a runtime dependency, as for `npm start`),
// so a fresh clone needs only `npm ci`.
import { register } from "tsx/esm/api";

register();
await import("../app/main/cli-main.ts");
