/** One test case of a JUnit report. */
export interface JUnitCase {
  name: string;
  /** Groups cases, e.g. the model a health check ran against. */
  classname: string;
  timeMs: number;
  /** The failure message; absent when the case passed. */
  failure?: string | undefined;
  /** Extra lines for `<system-out>`, e.g. the request id. */
  output?: string | undefined;
}

const escapeXml = (text: string) =>
  text.replace(
    /[<>&"']/g,
    (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c] ?? c,
  );

// Control characters other than tab and newlines are not allowed in XML 1.0 at all.
// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point.
const xmlText = (text: string) => escapeXml(text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, ""));

/** Renders a JUnit XML report (the subset CI servers read: testsuite, testcase, failure, system-out). */
export function toJUnit(suite: string, cases: readonly JUnitCase[]): string {
  const failures = cases.filter((c) => c.failure !== undefined).length;
  const seconds = (ms: number) => (ms / 1000).toFixed(3);
  const total = cases.reduce((sum, c) => sum + c.timeMs, 0);
  const body = cases.map((c) => {
    const open = `    <testcase name="${xmlText(c.name)}" classname="${xmlText(c.classname)}" time="${seconds(c.timeMs)}"`;
    const inner = [
      c.failure === undefined
        ? ""
        : `      <failure message="${xmlText(c.failure)}">${xmlText(c.failure)}</failure>\n`,
      c.output === undefined ? "" : `      <system-out>${xmlText(c.output)}</system-out>\n`,
    ].join("");
    return inner === "" ? `${open}/>` : `${open}>\n${inner}    </testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xmlText(suite)}" tests="${cases.length}" failures="${failures}" time="${seconds(total)}">`,
    `  <testsuite name="${xmlText(suite)}" tests="${cases.length}" failures="${failures}" errors="0" time="${seconds(total)}">`,
    ...body,
    "  </testsuite>",
    "</testsuites>",
    "",
  ].join("\n");
}
