// Run a candidate's JavaScript function against test cases (executed in a child).
// Usage: node harness.js SPEC.json RESULTS.jsonl
// One JSON line per test is appended to RESULTS as soon as the test ends. SPEC
// holds no expected values: the service compares what the function returned.
"use strict";
const fs = require("node:fs");
const vm = require("node:vm");

const [specPath, resultsPath] = process.argv.slice(2);
const spec = JSON.parse(fs.readFileSync(specPath, "utf8"));
const emit = (record) => fs.appendFileSync(resultsPath, `${JSON.stringify(record)}\n`);

let func;
try {
  const context = vm.createContext({ console, Math, JSON, Map, Set, Array, Object, Number, String, BigInt });
  vm.runInContext(spec.code, context, { filename: "solution.js" });
  func = vm.runInContext(`typeof ${spec.entry} === "function" ? ${spec.entry} : undefined`, context);
} catch (err) {
  emit({ fatal: String(err && err.stack ? err.stack : err) });
  process.exit(0);
}
if (typeof func !== "function") {
  emit({ fatal: `define a function named ${spec.entry}` });
  process.exit(0);
}
spec.tests.forEach((testCase, index) => {
  const start = performance.now();
  try {
    const got = func(...structuredClone(testCase.args));
    const ms = performance.now() - start;
    emit({ index, status: "returned", got: got === undefined ? null : got, ms: Math.round(ms * 1000) / 1000 });
  } catch (err) {
    emit({ index, status: "error", error: String(err && err.stack ? err.stack : err) });
  }
});
