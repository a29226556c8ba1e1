import { defineConfig } from "vitest/config";

// Runs on Node 24 (npm package node@24) against the built packages (`npx tsc -b` first): the
// latest majors of openai, ai and LangChain need Node >= 22, while the toolkit supports Node 20.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
