import { describe, expect, it } from 'vitest';
import { allowedHosts } from '../../../shared/local/host-check.ts';

describe('allowedHosts: the Host headers the local server answers (DNS rebinding)', () => {
  const loopback = allowedHosts('127.0.0.1', 8083);

  it.each([
    ['127.0.0.1:8083', true],
    ['localhost:8083', true],
    ['[::1]:8083', true],
    ['sync-127.0.0.1:8083', true],
    ['sync-localhost:8083', true],
    ['localhost', false],
    ['localhost:8084', false],
    ['attacker.example:8083', false],
    ['127.0.0.1.attacker.example:8083', false],
    ['sync-attacker.example:8083', false],
  ])('on 127.0.0.1:8083, %s → %s', (host, allowed) => {
    expect(loopback?.has(host)).toBe(allowed);
  });

  it('on port 80 the port may be left out', () => {
    expect(allowedHosts('127.0.0.1', 80)?.has('localhost')).toBe(true);
  });

  it('a named host it listens on is allowed besides the loopback names', () => {
    const named = allowedHosts('my-box.lan', 9000);
    expect(named?.has('my-box.lan:9000')).toBe(true);
    expect(named?.has('127.0.0.1:9000')).toBe(true);
    expect(named?.has('other.lan:9000')).toBe(false);
  });

  it('an IPv6 listen address is compared in brackets', () => {
    expect(allowedHosts('::1', 9000)?.has('[::1]:9000')).toBe(true);
  });

  it.each(['0.0.0.0', '::'])('listening on every interface (%s), any Host is answered', (host) => {
    expect(allowedHosts(host, 8083)).toBeUndefined();
  });
});
