/**
 * Writes the fault and fuzz tables of RELIABILITY.md from the reports the last `npx nx test system-tests` left in
 * tmp/reliability, so the figures there are one run's, not a hand copy:
 *
 *   npx nx test system-tests && npx nx run system-tests:reliability-doc
 */
import { join } from 'node:path';
import { WORKSPACE_ROOT, writeDocSection } from '@ai/local-stack';
import { RELIABILITY_DIR } from '../src/support/fault-report';
import { faultTable, fuzzTable, readRecordedReports, recordedOnLine } from '../src/support/reliability-doc';

const reports = readRecordedReports(RELIABILITY_DIR);
const file = join(WORKSPACE_ROOT, 'RELIABILITY.md');
writeDocSection(file, 'reliability:faults', [recordedOnLine(reports.all), '', ...faultTable(reports.faults)]);
writeDocSection(file, 'reliability:fuzz', [recordedOnLine(reports.fuzz), '', ...fuzzTable(reports.fuzz)]);
console.log(`wrote ${reports.faults.length} faults and ${reports.fuzz.length} fuzz runs into ${file}`);
