import { histogramQuantile, parsePrometheusText } from '../src/prometheus-text';

describe('Prometheus text', () => {
  it('parses samples with labels and skips comments', () => {
    const text =
      '# HELP x y\n# TYPE x gauge\ndispatcher_queue_depth{service="d",model="m",state="waiting"} 12\nprocess_cpu_seconds_total 3.5\nbucket{le="+Inf"} 4\n';
    expect(parsePrometheusText(text)).toEqual([
      { name: 'dispatcher_queue_depth', labels: { service: 'd', model: 'm', state: 'waiting' }, value: 12 },
      { name: 'process_cpu_seconds_total', labels: {}, value: 3.5 },
      { name: 'bucket', labels: { le: '+Inf' }, value: 4 },
    ]);
  });

  it("histogram_quantile interpolates inside the rank's bucket, as PromQL does", () => {
    const buckets = [
      { le: 0.1, count: 50 },
      { le: 0.5, count: 90 },
      { le: 1, count: 100 },
      { le: Infinity, count: 100 },
    ];
    expect(histogramQuantile(0.5, buckets)).toBeCloseTo(0.1);
    expect(histogramQuantile(0.7, buckets)).toBeCloseTo(0.3);
    expect(histogramQuantile(0.99, buckets)).toBeCloseTo(0.95);
    expect(
      histogramQuantile(0.99, [
        { le: 1, count: 1 },
        { le: Infinity, count: 10 },
      ]),
    ).toBe(1);
    expect(
      histogramQuantile(0.99, [
        { le: 1, count: 0 },
        { le: Infinity, count: 0 },
      ]),
    ).toBeNaN();
  });
});
