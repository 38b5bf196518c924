// Run a candidate's JavaScript function against test cases (executed in a child).
// Usage: node harness.js SPEC.json RESULTS.jsonl
// One JSON line per test is appended to RESULTS as soon as the test ends. SPEC
// holds no expected values: the service compares what the function returned.
"use strict";
const fs = require("node:fs");
const vm = require("node:vm");

// The longest returned value reported (as JSON text); longer is an error.
const MAX_VALUE_CHARS = 64 * 1024;

const [specPath, resultsPath] = process.argv.slice(2);
const spec = JSON.parse(fs.readFileSync(specPath, "utf8"));
const emit = (record) => fs.appendFileSync(resultsPath, `${JSON.stringify(record)}\n`);

// What the candidate sees of an error: their own frames, not the harness's.
function describe(err) {
  let text;
  try {
    text = err && typeof err.stack === "string" ? err.stack : String(err);
  } catch {
    return "an error that cannot be shown was thrown";
  }
  return text
    .split("\n")
    .filter((line) => !line.includes(__filename) && !line.includes("node:internal") && !line.includes("(node:"))
    .join("\n");
}

function encode(value) {
  let text;
  try {
    text = JSON.stringify(value === undefined ? null : value);
  } catch (err) {
    return [null, `the returned value cannot be compared: ${describe(err).split("\n")[0]}`];
  }
  if (text === undefined) return ["null", null];
  if (text.length > MAX_VALUE_CHARS) {
    return [null, `the returned value is too large to compare (${text.length} characters as JSON; at most ${MAX_VALUE_CHARS})`];
  }
  return [text, null];
}

let func;
try {
  const context = vm.createContext({ console, Math, JSON, Map, Set, Array, Object, Number, String, BigInt });
  vm.runInContext(spec.code, context, { filename: "solution.js" });
  func = vm.runInContext(`typeof ${spec.entry} === "function" ? ${spec.entry} : undefined`, context);
} catch (err) {
  emit({ fatal: describe(err) });
  process.exit(0);
}
if (typeof func !== "function") {
  emit({ fatal: `define a function named ${spec.entry}` });
  process.exit(0);
}
spec.tests.forEach((testCase, index) => {
  const start = performance.now();
  let text;
  let why;
  let ms;
  try {
    const got = func(...structuredClone(testCase.args));
    ms = Math.round((performance.now() - start) * 1000) / 1000;
    [text, why] = encode(got);
  } catch (err) {
    why = describe(err);
  }
  if (text === null || text === undefined) {
    emit({ index, status: "error", error: why });
  } else {
    const line = JSON.stringify({ index, status: "returned", ms });
    fs.appendFileSync(resultsPath, `${line.slice(0, -1)},"got":${text}}\n`);
  }
});
