// Prints one closing line with the number of tests that passed and failed across Jest and
// Playwright, and exits non-zero when any step failed. Usage: summarize-tests.js DIR [failed steps]
const fs = require('node:fs');
const path = require('node:path');

const [dir, ...failedSteps] = process.argv.slice(2);
const read = name => {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8'));
  } catch {
    return undefined;
  }
};

let passed = 0;
let failed = 0;
let skipped = 0;
const jest = read('jest.json');
if (jest) {
  passed += jest.numPassedTests;
  failed += jest.numFailedTests;
  skipped += jest.numPendingTests + jest.numTodoTests;
}
const e2e = read('e2e.json');
if (e2e) {
  passed += e2e.stats.expected + e2e.stats.flaky;
  failed += e2e.stats.unexpected;
  skipped += e2e.stats.skipped;
}
if (failedSteps.length) {
  console.log(`failed steps: ${failedSteps.join(', ')}`);
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failedSteps.length || failed ? 1 : 0);
