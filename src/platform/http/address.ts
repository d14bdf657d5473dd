import { isIPv4, isIPv6 } from 'node:net';

/**
 * The caller's address as rate limits and logs see it. Behind `trustProxyHops`
 * proxies (TRUST_PROXY), the address is read from X-Forwarded-For, counting
 * that many hops from the right (the entries our own proxies appended);
 * otherwise it is the socket's peer. A caller cannot forge more than the
 * entries left of the trusted ones.
 */
export function clientAddress(socketAddress: string | undefined, forwardedFor: string | undefined, trustProxyHops: number): string {
  const peer = normaliseAddress(socketAddress ?? 'unknown');
  if (trustProxyHops === 0 || !forwardedFor) return peer;
  const hops = forwardedFor
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  const candidate = hops[hops.length - trustProxyHops];
  return candidate && (isIPv4(candidate) || isIPv6(candidate)) ? normaliseAddress(candidate) : peer;
}

function normaliseAddress(address: string): string {
  return address.startsWith('::ffff:') && isIPv4(address.slice(7)) ? address.slice(7) : address;
}

/**
 * The network a caller is counted and logged under: an IPv4 address as it is,
 * an IPv6 address by its /64 (one subscriber usually holds a whole /64, so
 * counting single addresses would give them 2^64 budgets).
 */
export function rateLimitNetwork(address: string): string {
  if (!isIPv6(address)) return address;
  return `${expandIPv6(address).slice(0, 4).join(':')}::/64`;
}

/** What the logs keep of an address: the /24 of IPv4, the /64 of IPv6 (enough to act on, less to identify a person). */
export function logNetwork(address: string): string {
  if (isIPv4(address)) return `${address.split('.').slice(0, 3).join('.')}.0/24`;
  return isIPv6(address) ? rateLimitNetwork(address) : 'unknown';
}

function expandIPv6(address: string): string[] {
  const [head = '', tail = ''] = address.split('%')[0]?.split('::') ?? [];
  const left = head ? head.split(':') : [];
  const right = address.includes('::') && tail ? tail.split(':') : [];
  const missing = 8 - left.length - right.length;
  return [...left, ...Array<string>(Math.max(0, missing)).fill('0'), ...right].map((group) => group.padStart(4, '0').toLowerCase());
}
