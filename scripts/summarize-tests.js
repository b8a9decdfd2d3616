// Prints one closing line with the number of tests that passed and failed across Jest (the
// default run and the real-controllers step) and Playwright, and exits non-zero when any step
// failed. Usage: summarize-tests.js DIR [failed steps]
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
// Jest: the default run and the real-controllers step (one file per package).
const jestFiles = fs
  .readdirSync(dir)
  .filter(
    name => name === 'jest.json' || /^real-controllers-.+\.json$/.test(name),
  );
const real = { passed: 0, failed: 0, files: 0 };
for (const name of jestFiles) {
  const jest = read(name);
  if (jest) {
    passed += jest.numPassedTests;
    failed += jest.numFailedTests;
    skipped += jest.numPendingTests + jest.numTodoTests;
    if (name !== 'jest.json') {
      real.passed += jest.numPassedTests;
      real.failed += jest.numFailedTests;
      real.files += 1;
    }
  }
}
if (real.files) {
  console.log(
    `real controllers (KEDA, kube-controller-manager): ${real.passed} passed, ${real.failed} failed`,
  );
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
