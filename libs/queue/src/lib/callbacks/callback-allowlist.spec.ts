import { CallbackAllowlist } from './callback-allowlist';

describe('the callback allowlist', () => {
  it('matches exact hosts and *.suffix wildcards, never other schemes or credentials', () => {
    const list = new CallbackAllowlist(['127.0.0.1', 'localhost', '*.svc.cluster.local', '::1']);
    expect(list.allows('http://127.0.0.1:3003/storeLatency')).toBe(true);
    expect(list.allows('https://load-tester.default.svc.cluster.local/x')).toBe(true);
    expect(list.allows('http://[::1]:80/')).toBe(true);
    expect(list.allows('http://svc.cluster.local/')).toBe(false);
    expect(list.allows('http://evilsvc.cluster.local/')).toBe(false);
    expect(list.allows('http://169.254.169.254/latest/meta-data')).toBe(false);
    expect(list.allows('http://user:pw@127.0.0.1/')).toBe(false);
    expect(list.allows('file:///etc/passwd')).toBe(false);
    expect(new CallbackAllowlist([]).allows('http://127.0.0.1/')).toBe(false);
    expect(new CallbackAllowlist(['*']).allows('http://example.com/')).toBe(true);
  });
});
