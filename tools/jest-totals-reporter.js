// Appends each jest run's totals to tmp/test-totals.jsonl so `npm test` can print one closing line for the
// whole workspace ("N passed, N failed") after Nx has run every project's suite.
const fs = require('node:fs');
const path = require('node:path');

class TotalsReporter {
  onRunComplete(_contexts, results) {
    const file = path.join(__dirname, '..', 'tmp', 'test-totals.jsonl');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const line = {
      passed: results.numPassedTests,
      failed: results.numFailedTests,
      skipped: results.numPendingTests + results.numTodoTests,
    };
    fs.appendFileSync(file, JSON.stringify(line) + '\n');
  }
}
module.exports = TotalsReporter;
