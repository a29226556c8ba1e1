// Makes docs/playground.png, the README's picture of `gloo playground`: the built command on its
// embedded emulator, three compare panes after one
// prompt, one exchange opened in Inspect. Same browser as the tests: Debian's Chromium through
// playwright-core. Run after `npm run build`: node scripts/screenshot-playground.mjs
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const root = fileURLToPath(new URL("..", import.meta.url));
const out = fileURLToPath(new URL("../docs/playground.png", import.meta.url));

const child = spawn(process.execPath, ["packages/cli/bin.js", "playground", "--port", "0"], {
  cwd: root,
  env: { PATH: process.env.PATH ?? "" },
  stdio: ["ignore", "pipe", "inherit"],
});
try {
  const url = await new Promise((resolve, reject) => {
    let text = "";
    child.stdout.on("data", (chunk) => {
      text += chunk;
      const match = /^Gloo playground on (\S+)\n/.exec(text);
      if (match) resolve(match[1]);
    });
    child.on("exit", (code) => reject(new Error(`gloo playground exited ${code}`)));
  });
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });
    await page.goto(url);
    await page.waitForSelector("body[data-ready=true]");
    await page.fill("#system", "Answer briefly, for a Bible study group.");
    await page.click("#add-pane");
    await page.click("#add-pane");
    await page.selectOption('[data-pane="1"] [data-setting=tradition]', "evangelical");
    await page.selectOption('[data-pane="2"] [data-setting=routing]', "model_family");
    await page.selectOption('[data-pane="2"] [data-setting=family]', "anthropic");
    await page.selectOption('[data-pane="3"] [data-setting=routing]', "model");
    await page.selectOption('[data-pane="3"] [data-setting=model]', "gloo-openai-gpt-5-mini");
    await page.fill('[data-pane="3"] [data-setting=temperature]', "0");
    await page.fill("#prompt", "Explain the seven seals in two concise sentences.");
    await page.click("#send");
    await page.waitForFunction(
      () => document.querySelectorAll("[data-role=reply][data-status=done]").length === 3,
    );
    await page.click('[data-pane="1"] [data-role=inspect] summary');
    await page.click("#health-button");
    await page.waitForSelector("#health[data-state=pass]");
    await page.screenshot({ path: out, fullPage: false });
    console.log(`wrote ${out}`);
  } finally {
    await browser.close();
  }
} finally {
  child.kill("SIGTERM");
}
