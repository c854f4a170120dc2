// `npm test`: check formatting, lint, test and build every project with Nx, then print the workspace's test totals.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

// Formatting first: it takes seconds, and a file Prettier would change fails the run (`npm run format` fixes it).
const format = spawnSync('npx', ['prettier', '--check', '**/*.{ts,js,mjs}'], { stdio: 'inherit' });
if (format.status !== 0) {
  console.error('\nformatting: run `npm run format` and commit the result');
  process.exit(format.status ?? 1);
}

const totalsFile = path.join(__dirname, '..', 'tmp', 'test-totals.jsonl');
fs.rmSync(totalsFile, { force: true });
const nx = spawnSync('npx', ['nx', 'run-many', '-t', 'lint', 'test', 'build', '--parallel=2', '--outputStyle=static', ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, NX_DAEMON: 'false' },
});
const totals = { passed: 0, failed: 0, skipped: 0 };
if (fs.existsSync(totalsFile)) {
  for (const line of fs.readFileSync(totalsFile, 'utf8').split('\n').filter(Boolean)) {
    const run = JSON.parse(line);
    totals.passed += run.passed;
    totals.failed += run.failed;
    totals.skipped += run.skipped;
  }
}
console.log(`\ntests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(nx.status ?? 1);
