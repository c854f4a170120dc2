// k6 version of the load tester's open-loop run: the same workload file, the same /enqueue requests.
//
//   docker run --rm -i --network host -v $PWD/workloads:/workloads grafana/k6 run \
//     -e WORKLOAD=/workloads/peak-hours.txt -e TARGET=http://localhost:3000 /workloads/k6/load-test.js
//
// Environment: TARGET (dispatcher URL, default http://localhost:3000), WORKLOAD (workload file, default
// ../peak-hours.txt), MODEL (default digits-cnn), IMAGE (image file, default ../images/digit-0-0000-28px.png),
// MODE (enqueue: POST /enqueue and count 202s, the default; sync: POST /infer, so http_req_duration is the
// end-to-end latency), MAX_VUS (default 500).
import http from 'k6/http';
import { check } from 'k6';
import encoding from 'k6/encoding';

const TARGET = (__ENV.TARGET || 'http://localhost:3000').replace(/\/$/, '');
const MODEL = __ENV.MODEL || 'digits-cnn';
const MODE = __ENV.MODE || 'enqueue';
const WORKLOAD = __ENV.WORKLOAD || '../peak-hours.txt';

// Same rules as libs/workload's parser: requests per second separated by commas or newlines, `#` comments,
// blank lines; anything else stops the test with the line and column.
function parseWorkload(text, source) {
  const rates = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const hash = raw.indexOf('#');
    const line = hash >= 0 ? raw.slice(0, hash) : raw;
    if (line.trim() === '') return;
    const fields = line.split(',');
    const trailingComma = fields.length > 1 && fields[fields.length - 1].trim() === '';
    let column = 1;
    fields.forEach((field, i) => {
      const at = column + (field.length - field.trimStart().length);
      column += field.length + 1;
      const value = field.trim();
      if (value === '' && trailingComma && i === fields.length - 1) return;
      if (!/^\d+$/.test(value)) throw new Error(`${source}:${index + 1}:${at}: expected a non-negative whole number of requests per second, found "${value}"`);
      rates.push(Number(value));
    });
  });
  if (rates.length === 0) throw new Error(`${source}: the workload has no values`);
  return rates;
}

// Init context: files are read once, here (k6 allows open() nowhere else).
const rates = parseWorkload(open(WORKLOAD), WORKLOAD);
const image = encoding.b64encode(open(__ENV.IMAGE || '../images/digit-0-0000-28px.png', 'b'));
const peak = Math.max(...rates);

// One value per second: jump to it (zero-duration stage), then hold it for one second.
const stages = rates.flatMap((rate) => [
  { duration: '0s', target: rate },
  { duration: '1s', target: rate },
]);

export const options = {
  scenarios: {
    workload: {
      executor: 'ramping-arrival-rate',
      startRate: rates[0],
      timeUnit: '1s',
      stages,
      preAllocatedVUs: Math.min(Number(__ENV.MAX_VUS || 500), Math.max(10, peak * 2)),
      maxVUs: Number(__ENV.MAX_VUS || 500),
    },
  },
  thresholds: {
    // Open loop: an iteration k6 could not start on time is load that never reached the system.
    dropped_iterations: ['count<1'],
    checks: ['rate>0.99'],
    http_req_failed: ['rate<0.01'],
  },
  summaryTrendStats: ['avg', 'med', 'p(90)', 'p(95)', 'p(99)', 'max'],
};

export default function () {
  const body = JSON.stringify({ model: MODEL, image, clientRef: `k6-${__VU}-${__ITER}` });
  const params = { headers: { 'Content-Type': 'application/json' }, timeout: '60s' };
  if (MODE === 'sync') {
    const res = http.post(`${TARGET}/infer`, body, params);
    check(res, { 'infer answered 200': (r) => r.status === 200 });
  } else {
    const res = http.post(`${TARGET}/enqueue`, body, params);
    check(res, { 'enqueue accepted (202)': (r) => r.status === 202 });
  }
}
