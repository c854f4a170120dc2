import { unknownEnvVariables } from './unknown-env';

const KNOWN = ['PORT', 'HOST', 'REDIS_URL', 'INFERENCE_URLS', 'DRAIN_RATE', 'LOG_LEVEL', 'MODEL_VERSION', 'MAX_BATCH_SIZE'];

describe('unknownEnvVariables', () => {
  it('names the setting a near miss meant: plural for singular, transpositions, two edits, lower case, a missing underscore', () => {
    const found = unknownEnvVariables(
      { INFERENCE_URL: 'x', PROT: '1', REDIS_ULR: 'x', DRAIN_RAT: '1', log_level: 'debug', MAXBATCH_SIZE: '4', MODLE_VERSOIN: '2' },
      KNOWN,
    );
    expect(Object.fromEntries(found.map((f) => [f.name, f.suggestion]))).toEqual({
      INFERENCE_URL: 'INFERENCE_URLS',
      PROT: 'PORT',
      REDIS_ULR: 'REDIS_URL',
      DRAIN_RAT: 'DRAIN_RATE',
      log_level: 'LOG_LEVEL',
      MAXBATCH_SIZE: 'MAX_BATCH_SIZE',
      MODLE_VERSOIN: 'MODEL_VERSION',
    });
    expect(found.find((f) => f.name === 'INFERENCE_URL')?.message).toBe(
      'environment variable INFERENCE_URL is not a setting and is ignored; did you mean INFERENCE_URLS?',
    );
  });

  it("reports unknown names under the app's prefixes even when nothing is close", () => {
    const found = unknownEnvVariables({ REDIS_CLUSTER_MODE: 'yes' }, KNOWN, { prefixes: ['REDIS_'] });
    expect(found).toEqual([
      { name: 'REDIS_CLUSTER_MODE', suggestion: undefined, message: 'environment variable REDIS_CLUSTER_MODE is not a setting and is ignored' },
    ]);
  });

  it('leaves settings, the usual system variables and Kubernetes service links alone', () => {
    const env = {
      PORT: '1',
      REDIS_URL: 'redis://x',
      HOME: '/root',
      PATH: '/bin',
      HOSTNAME: 'pod-1',
      TERM: 'xterm',
      PWD: '/',
      NODE_ENV: 'production',
      NODE_VERSION: '20.19.0',
      LC_ALL: 'C',
      REDIS_PORT: 'tcp://10.0.0.1:6379',
      REDIS_PORT_6379_TCP_ADDR: '10.0.0.1',
      REDIS_SERVICE_HOST: '10.0.0.1',
      INFERENCE_SERVICE_PORT_HTTP: '8080',
    };
    expect(unknownEnvVariables(env, KNOWN, { prefixes: ['REDIS_', 'INFERENCE_'] })).toEqual([]);
    expect(unknownEnvVariables({ REDIS_PASSWORD: 'x' }, KNOWN, { prefixes: ['REDIS_'], ignore: ['REDIS_PASSWORD'] })).toEqual([]);
  });
});
