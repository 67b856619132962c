// npm run build:actions: bundles each action's entry with everything it imports (Berth's core, ssh2, yaml, ajv…)
// into actions/<name>/dist/index.js, committed, so the runner needs no npm install. Deterministic: CI rebuilds and
// checks `git diff --exit-code actions/*/dist`.
import { build, type Plugin } from "esbuild";

// ssh2 tries its optional native addons (its crypto binding, cpu-features) inside try/catch and falls back to pure
// JavaScript. Whether they got compiled depends on the machine's toolchain, so the bundle never includes them: the
// same source gives the same bundle everywhere.
const withoutNativeAddons: Plugin = {
  name: "without-native-addons",
  setup(b) {
    b.onResolve({ filter: /\.node$|^cpu-features$/ }, (args) => ({ path: args.path, namespace: "native-addon" }));
    b.onLoad({ filter: /.*/, namespace: "native-addon" }, (args) => ({
      contents: `throw new Error(${JSON.stringify(`native addon ${args.path} is not bundled`)});`,
      loader: "js",
    }));
  },
};

const ACTIONS = ["validate", "deploy"];

for (const name of ACTIONS) {
  const result = await build({
    entryPoints: [`actions/${name}/index.ts`],
    outfile: `actions/${name}/dist/index.js`,
    bundle: true,
    platform: "node",
    target: "node24",
    format: "esm",
    // Bundled CommonJS packages call require() and read __dirname; ESM has neither, so give them Node's.
    banner: {
      js: [
        "import { createRequire as __berthCreateRequire } from 'node:module';",
        "import { fileURLToPath as __berthFileURLToPath } from 'node:url';",
        "const require = __berthCreateRequire(import.meta.url);",
        "const __filename = __berthFileURLToPath(import.meta.url);",
        "const __dirname = __berthFileURLToPath(new URL('.', import.meta.url));",
      ].join("\n"),
    },
    legalComments: "eof",
    logLevel: "warning",
    metafile: true,
    // node_modules may be a symlink (a shared install): keep the paths in the bundle's comments the same as CI's.
    preserveSymlinks: true,
    plugins: [withoutNativeAddons],
  });
  const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
  console.log(`actions/${name}/dist/index.js  ${(bytes / 1024).toFixed(0)} KiB`);
}
