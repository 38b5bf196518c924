// Run a candidate's JavaScript function against test cases (executed in a child).
// Usage: node harness.js SPEC.json RESULTS.jsonl
// One JSON line per test is appended to RESULTS as soon as the test ends.
"use strict";
const fs = require("node:fs");
const vm = require("node:vm");

const [specPath, resultsPath] = process.argv.slice(2);
const spec = JSON.parse(fs.readFileSync(specPath, "utf8"));
const emit = (record) => fs.appendFileSync(resultsPath, `${JSON.stringify(record)}\n`);

function same(got, expected) {
  if (typeof expected === "number" && typeof got === "number") {
    if (Number.isInteger(expected) && Number.isInteger(got)) return got === expected;
    return Math.abs(got - expected) <= Math.max(1e-6, 1e-9 * Math.abs(expected));
  }
  if (Array.isArray(expected)) {
    return Array.isArray(got) && got.length === expected.length && expected.every((e, i) => same(got[i], e));
  }
  if (expected && typeof expected === "object") {
    if (!got || typeof got !== "object" || Array.isArray(got)) return false;
    const keys = Object.keys(expected);
    return keys.length === Object.keys(got).length && keys.every((k) => same(got[k], expected[k]));
  }
  return got === expected;
}

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
    const status = same(got, testCase.expected) ? "pass" : "fail";
    emit({ index, status, got: got === undefined ? null : got, ms: Math.round(ms * 1000) / 1000 });
  } catch (err) {
    emit({ index, status: "error", error: String(err && err.stack ? err.stack : err) });
  }
});
