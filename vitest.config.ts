import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const src = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// Tests run against the TypeScript sources; the spawned-CLI tests use the built `dist`
// (npm test builds before it runs vitest).
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@gloo-toolkit\/sdk$/, replacement: src("./packages/sdk/src/index.ts") },
      { find: /^@gloo-toolkit\/sdk\/(.*)$/, replacement: src("./packages/sdk/src/$1.ts") },
      { find: /^@gloo-toolkit\/servers$/, replacement: src("./packages/servers/src/index.ts") },
      { find: /^@gloo-toolkit\/fleet$/, replacement: src("./packages/fleet/src/index.ts") },
      { find: /^@gloo-toolkit\/cli$/, replacement: src("./packages/cli/src/index.ts") },
    ],
  },
  test: {
    include: ["packages/*/test/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
