import { Writable } from 'node:stream';
import winston from 'winston';
import { Counter } from 'prom-client';
import { createLogger, createMetricsRegistry } from '../index';

describe('observability', () => {
  it('logs JSON lines with the service name, timestamp and fields', () => {
    const lines: string[] = [];
    const logger = createLogger({ service: 'svc', silent: true });
    logger.add(new winston.transports.Stream({ stream: new Writable({ write: (chunk, _enc, done) => (lines.push(chunk.toString()), done()) }) }));
    logger.info('request', { requestId: 'r1', status: 200 });
    const line = JSON.parse(lines[0]);
    expect(line).toMatchObject({ service: 'svc', message: 'request', requestId: 'r1', status: 200, level: 'info' });
    expect(Date.parse(line.timestamp)).not.toBeNaN();
  });

  it('gives each server its own registry, labelled with the service, so two never collide', async () => {
    const a = createMetricsRegistry({ service: 'a', defaultMetrics: false });
    const b = createMetricsRegistry({ service: 'b' });
    new Counter({ name: 'things_total', help: 'h', registers: [a] }).inc();
    new Counter({ name: 'things_total', help: 'h', registers: [b] }).inc(2);
    expect(await a.metrics()).toContain('things_total{service="a"} 1');
    expect(await b.metrics()).toContain('things_total{service="b"} 2');
    expect(await b.metrics()).toContain('process_cpu_seconds_total');
  });
});
