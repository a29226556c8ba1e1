import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { defineConfig, type TestProjectInlineConfiguration } from "vitest/config";

/** The exact versions an ai-sdk project runs, for its test names and its User-Agent check. */
export interface AiSdkVersions {
  ai: string;
  openaiCompatible: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    aiSdk: AiSdkVersions;
  }
}

const modules = (name: string) => fileURLToPath(new URL(`node_modules/${name}`, import.meta.url));
const versionOf = (name: string): string =>
  (JSON.parse(readFileSync(`${modules(name)}/package.json`, "utf8")) as { version: string }).version;

// test/ai-sdk.test.ts once per major of `@ai-sdk/openai-compatible` that packages/sdk's peer range
// names, with the `ai` major built on the same @ai-sdk/provider (installed under npm aliases such
// as `ai-5`). The aliases point at integrations/node_modules by absolute path, so they also apply
// to the `@ai-sdk/openai-compatible` import of the built provider (packages/sdk/dist/ai-sdk.js,
// outside node_modules, so Vite transforms it), which would otherwise resolve from the root.
const aiSdk = (ai: string, openaiCompatible: string): TestProjectInlineConfiguration => {
  const versions = { ai: versionOf(ai), openaiCompatible: versionOf(openaiCompatible) };
  return {
    extends: true,
    resolve: {
      alias: [
        { find: /^ai$/, replacement: modules(ai) },
        { find: /^@ai-sdk\/openai-compatible$/, replacement: modules(openaiCompatible) },
      ],
    },
    test: {
      name: `ai ${versions.ai.split(".")[0]}`,
      include: ["test/ai-sdk.test.ts"],
      provide: { aiSdk: versions },
    },
  };
};

// Runs on Node 24 (npm package node@24) against the built packages (`npx tsc -b` first): the
// latest majors of openai, ai and LangChain need Node >= 22, while the toolkit supports Node 20.
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    projects: [
      {
        extends: true,
        test: { name: "node 24", include: ["test/**/*.test.ts"], exclude: ["test/ai-sdk.test.ts"] },
      },
      aiSdk("ai", "@ai-sdk/openai-compatible"),
      aiSdk("ai-6", "@ai-sdk/openai-compatible-2"),
      aiSdk("ai-5", "@ai-sdk/openai-compatible-1"),
    ],
  },
});
