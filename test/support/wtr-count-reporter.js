// @ts-check
/**
 * A web-test-runner reporter that writes the run's counts to a JSON file, so the aggregate test command can
 * add them to the other runners' counts without parsing coloured console output.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/**
 * @param {string} file where to write `{ passed, failed, skipped }`
 * @returns {import("@web/test-runner").Reporter}
 */
export function countReporter(file) {
  return {
    onTestRunFinished({ sessions }) {
      const counts = { passed: 0, failed: 0, skipped: 0 };
      for (const session of sessions) {
        if (session.testResults) count(session.testResults, counts);
        counts.failed += session.errors.length;
        if (!session.testResults && !session.passed) counts.failed += 1;
      }
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, JSON.stringify(counts));
    },
  };
}

/**
 * @param {import("@web/test-runner").TestSuiteResult} suite
 * @param {{ passed: number, failed: number, skipped: number }} counts
 */
function count(suite, counts) {
  for (const test of suite.tests) {
    if (test.skipped) counts.skipped += 1;
    else if (test.passed) counts.passed += 1;
    else counts.failed += 1;
  }
  for (const child of suite.suites) count(child, counts);
}
