import { configFor, parseDispatcherConfig, unknownDispatcherEnv } from '../src/config';

describe('dispatcher configuration', () => {
  it('takes INFERENCE_URL as the single-model form of INFERENCE_URLS', () => {
    expect(configFor({ INFERENCE_URL: 'http://10.0.0.5:8080' }).INFERENCE_URLS).toEqual({ 'digits-cnn': ['http://10.0.0.5:8080'] });
    expect(configFor({ INFERENCE_URL: 'http://a:1|http://b:2' }).INFERENCE_URLS).toEqual({ 'digits-cnn': ['http://a:1', 'http://b:2'] });
    expect(configFor({ INFERENCE_URL: 'my-model=http://a:1' }).INFERENCE_URLS).toEqual({ 'my-model': ['http://a:1'] });
  });

  it('refuses INFERENCE_URL beside INFERENCE_URLS, and names INFERENCE_URL when its value is bad', () => {
    expect(() => configFor({ INFERENCE_URL: 'http://a:1', INFERENCE_URLS: 'm=http://b:2' })).toThrow('INFERENCE_URL and INFERENCE_URLS are both set');
    expect(() => parseDispatcherConfig({ INFERENCE_URL: 'not a url' })).toThrow(/^invalid environment: INFERENCE_URL: expected model=http/);
  });

  it('lists near misses and unknown variables under its prefixes, and none of its own settings', () => {
    const found = unknownDispatcherEnv({
      INFERENCE_URL: 'http://a:1',
      INFERENCE_URLZ: 'x',
      REDIS_URI: 'redis://x',
      DRAIN_RATES: '5',
      QUEUE_NAME: 'q',
      CONCURRENCY: '4',
      HOME: '/root',
    });
    expect(found.map((f) => [f.name, f.suggestion])).toEqual([
      ['DRAIN_RATES', 'DRAIN_RATE'],
      ['INFERENCE_URLZ', 'INFERENCE_URLS'],
      ['QUEUE_NAME', undefined],
      ['REDIS_URI', 'REDIS_URL'],
    ]);
  });
});
