// SSRF guard for outbound webhooks (SPEC §4: "Delivery to private addresses is refused unless
// OPENTRIGGERS_ALLOW_PRIVATE_WEBHOOK_URLS=true"). A webhook URL is chosen by the customer, so without this
// guard anyone with an API token could make our workers POST to the cloud metadata service, the database
// or anything else on the private network, and read the status codes back from the attempt log.
//
// Three layers:
//   1. validateWebhookUrl — synchronous: scheme, credentials, literal IPs, `localhost`. Gives good errors at
//      subscribe time.
//   2. resolveAndCheck — subscribe-time DNS check, so a customer learns now that the URL cannot work.
//   3. createGuardedLookup / createGuardedConnector — the actual defence, run at *connect* time for every new
//      connection. A check made earlier proves nothing: DNS can answer differently a second later (DNS
//      rebinding), so the only address worth checking is the one the socket then connects to. The lookup
//      hands net.connect exactly the addresses it checked.
//
// Address policy: refuse everything the IANA special-purpose registries mark as not globally reachable, plus
// multicast. Metadata services are covered by those ranges: 169.254.169.254 (AWS, GCP, Azure, Oracle),
// fd00:ec2::254 (AWS IPv6), 100.100.100.200 (Alibaba, CGNAT range), 192.0.0.192 (Oracle).
import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupAddress, LookupOptions } from 'node:dns';
import { isIP, isIPv4, isIPv6, type LookupFunction } from 'node:net';
import { buildConnector } from 'undici';

export const ERR_SSRF_FORBIDDEN_ADDRESS = 'ERR_SSRF_FORBIDDEN_ADDRESS';

/** Raised at connect time; its `code` lets the delivery worker record a readable, non-retryable-looking cause. */
export class ForbiddenAddressError extends Error {
  override readonly name = 'ForbiddenAddressError';
  readonly code = ERR_SSRF_FORBIDDEN_ADDRESS;
  constructor(
    readonly hostname: string,
    readonly address: string,
    readonly why: string,
  ) {
    super(
      `refusing to connect to ${hostname}: ${describeRefusal(hostname, address, why)} ` +
        `(set OPENTRIGGERS_ALLOW_PRIVATE_WEBHOOK_URLS=true to allow private destinations)`,
    );
  }
}

function describeRefusal(hostname: string, address: string, why: string): string {
  const what = `not a public address (${why})`;
  return hostname === address ? `${address} is ${what}` : `it resolves to ${address}, which is ${what}`;
}

// ---------------------------------------------------------------------------------------------------------
// Address classification

type Cidr4 = readonly [network: string, prefix: number, why: string];

// IPv4: IANA IPv4 Special-Purpose Address Registry entries that are not globally reachable, and multicast.
const FORBIDDEN_IPV4: readonly Cidr4[] = [
  ['0.0.0.0', 8, '"this network"'], // 0.0.0.0 reaches the local host on Linux
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'carrier-grade NAT'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local (cloud metadata)'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'IETF protocol assignment'],
  ['192.0.2.0', 24, 'documentation'],
  ['192.88.99.0', 24, 'deprecated 6to4 relay'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved or broadcast'], // includes 255.255.255.255
];

function ipv4ToNumber(ip: string): number {
  // Only called on strings net.isIPv4 accepted: four decimal octets, no leading zeros.
  return ip.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

const FORBIDDEN_IPV4_RANGES = FORBIDDEN_IPV4.map(([network, prefix, why]) => {
  const size = 2 ** (32 - prefix);
  const start = ipv4ToNumber(network);
  return { start, end: start + size - 1, why };
});

function ipv4Reason(value: number): string | undefined {
  return FORBIDDEN_IPV4_RANGES.find((r) => value >= r.start && value <= r.end)?.why;
}

/** Parses a validated IPv6 literal (no zone) into a 128-bit integer; handles `::` and a trailing dotted IPv4. */
function ipv6ToBigInt(ip: string): bigint {
  let text = ip;
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (tail.includes('.')) {
    const v4 = ipv4ToNumber(tail);
    text = `${text.slice(0, lastColon + 1)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const [head = '', rest] = text.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const restGroups = rest === undefined || rest === '' ? [] : rest.split(':');
  const zeros = rest === undefined ? [] : new Array<string>(8 - headGroups.length - restGroups.length).fill('0');
  return [...headGroups, ...zeros, ...restGroups].reduce((acc, group) => (acc << 16n) | BigInt(`0x${group}`), 0n);
}

const inPrefix = (value: bigint, network: bigint, prefix: number): boolean =>
  value >> BigInt(128 - prefix) === network >> BigInt(128 - prefix);

const embeddedIpv4 = (value: bigint, shift: number): number => Number((value >> BigInt(shift)) & 0xffffffffn);

// IPv6 blocks that *embed* an IPv4 address: judge them by that address, because connecting to them reaches it
// (the kernel maps ::ffff:a.b.c.d to IPv4; NAT64 and 6to4 gateways forward to the embedded address).
const IPV6_EMBEDDING: readonly { network: bigint; prefix: number; shift: number; via: string }[] = [
  { network: 0xffffn << 32n, prefix: 96, shift: 0, via: 'IPv4-mapped' }, // ::ffff:0:0/96
  { network: 0x64ff9bn << 96n, prefix: 96, shift: 0, via: 'NAT64' }, // 64:ff9b::/96
  { network: 0x2002n << 112n, prefix: 16, shift: 80, via: '6to4' }, // 2002::/16, IPv4 in bits 16..47
];

// IANA assigns global unicast only from 2000::/3. Everything outside it is loopback, unspecified,
// IPv4-compatible (deprecated), ULA fc00::/7 (incl. fd00:ec2::254), link-local fe80::/10, site-local,
// multicast ff00::/8, discard 100::/64, local NAT64 64:ff9b:1::/48, SRv6 5f00::/16 or unassigned. Allowing
// only 2000::/3 fails closed when a new special range appears outside it.
const GLOBAL_UNICAST = { network: 0x2000n << 112n, prefix: 3 };

// Not globally reachable although inside 2000::/3.
const FORBIDDEN_IPV6_IN_GLOBAL: readonly { network: bigint; prefix: number; why: string }[] = [
  // 2001::/23 holds Teredo 2001::/32, benchmarking 2001:2::/48, ORCHID and a few anycast services; none is a
  // webhook receiver, and Teredo embeds an obfuscated IPv4 we would rather not reason about.
  { network: 0x2001n << 112n, prefix: 23, why: 'IETF protocol assignment (incl. Teredo)' },
  { network: 0x20010db8n << 96n, prefix: 32, why: 'documentation' },
  { network: 0x3fffn << 112n, prefix: 20, why: 'documentation' },
];

function ipv6Reason(value: bigint): string | undefined {
  for (const block of IPV6_EMBEDDING) {
    if (inPrefix(value, block.network, block.prefix)) {
      const why = ipv4Reason(embeddedIpv4(value, block.shift));
      return why === undefined ? undefined : `${block.via} ${why}`;
    }
  }
  if (value === 0n) return 'unspecified';
  if (value === 1n) return 'loopback';
  if (!inPrefix(value, GLOBAL_UNICAST.network, GLOBAL_UNICAST.prefix)) {
    return 'non-global IPv6 (ULA, link-local, multicast or reserved)';
  }
  return FORBIDDEN_IPV6_IN_GLOBAL.find((b) => inPrefix(value, b.network, b.prefix))?.why;
}

/**
 * Why an IP address is not a legitimate webhook destination, or undefined when it is public.
 * Input is a bare IP literal (no brackets). Anything else — a hostname, an IPv6 literal with a zone id
 * (`fe80::1%eth0`), legacy IPv4 spellings like `0x7f.1` or `017.0.0.1` — is refused: fail closed.
 */
export function forbiddenAddressReason(ip: string): string | undefined {
  if (isIPv4(ip)) return ipv4Reason(ipv4ToNumber(ip));
  if (isIPv6(ip)) return ip.includes('%') ? 'scoped IPv6 (zone id)' : ipv6Reason(ipv6ToBigInt(ip));
  return 'unparseable IP';
}

export function isForbiddenAddress(ip: string): boolean {
  return forbiddenAddressReason(ip) !== undefined;
}

// ---------------------------------------------------------------------------------------------------------
// URL validation

export interface SsrfGuardOptions {
  /** OPENTRIGGERS_ALLOW_PRIVATE_WEBHOOK_URLS: when true every address passes (self-hosted private networks). */
  allowPrivate: boolean;
}

export type UrlCheck = { ok: true; url: URL } | { ok: false; reason: string };

/** `[::1]` → `::1`: URL keeps the brackets of an IPv6 host, net and dns want them off. */
const unbracket = (hostname: string) => (hostname.startsWith('[') ? hostname.slice(1, -1) : hostname);

// RFC 6761: localhost and *.localhost always mean this machine; refuse the name up front for a clear error
// (resolution would catch it anyway).
const isLocalhostName = (hostname: string) => /(^|\.)localhost\.?$/i.test(hostname);

/**
 * Synchronous checks of a webhook URL: parseable, http or https, no user:password (it would be sent to the
 * receiver in clear and logged with the URL), a host, and — unless allowPrivate — not a forbidden literal IP
 * or localhost. Hostnames still need resolveAndCheck / the guarded lookup.
 */
export function validateWebhookUrl(raw: string, opts: SsrfGuardOptions): UrlCheck {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'not a valid absolute URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, reason: `scheme ${url.protocol.slice(0, -1)} is not allowed; use http or https` };
  }
  if (url.username !== '' || url.password !== '') {
    return { ok: false, reason: 'credentials in the URL are not allowed; use webhookOverride.headers instead' };
  }
  if (url.hostname === '') return { ok: false, reason: 'the URL has no host' };
  if (opts.allowPrivate) return { ok: true, url };

  // WHATWG URL has already normalised IPv4 spellings (http://2130706433/ → 127.0.0.1), so a literal here is
  // in the canonical form forbiddenAddressReason expects.
  const host = unbracket(url.hostname);
  if (isIP(host) !== 0) {
    const why = forbiddenAddressReason(host);
    if (why !== undefined) return { ok: false, reason: describeRefusal(host, host, why) };
  } else if (isLocalhostName(host)) {
    return { ok: false, reason: `${host} is not a public address (loopback name)` };
  }
  return { ok: true, url };
}

// ---------------------------------------------------------------------------------------------------------
// Resolution

/** Resolves a hostname to every address it has. Injected in tests; the default is the system resolver. */
export type Resolver = (hostname: string) => Promise<readonly LookupAddress[]>;

// dns.lookup (getaddrinfo), not dns.resolve: it is what net.connect uses, so /etc/hosts and the system's
// resolver configuration apply exactly as they would to the connection.
export const systemResolver: Resolver = (hostname) => dnsLookup(hostname, { all: true });

export interface GuardedLookupOptions extends SsrfGuardOptions {
  resolve?: Resolver;
}

/** Resolves and refuses when ANY address is forbidden: a name with one private address is not trustworthy. */
async function resolveChecked(hostname: string, opts: GuardedLookupOptions): Promise<readonly LookupAddress[]> {
  const addresses = await (opts.resolve ?? systemResolver)(hostname);
  if (!opts.allowPrivate) {
    for (const { address } of addresses) {
      const why = forbiddenAddressReason(address);
      if (why !== undefined) throw new ForbiddenAddressError(hostname, address, why);
    }
  }
  return addresses;
}

function notFound(hostname: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname });
}

function requestedFamily(family: LookupOptions['family']): 0 | 4 | 6 {
  if (family === 4 || family === 'IPv4') return 4;
  if (family === 6 || family === 'IPv6') return 6;
  return 0;
}

/**
 * A dns.lookup-compatible function for net/tls.connect — pass it to undici as
 * `new Agent({ connect: { lookup } })`. It resolves, refuses with ForbiddenAddressError
 * (code ERR_SSRF_FORBIDDEN_ADDRESS) when any address is forbidden, and otherwise gives net exactly the
 * addresses it checked, so nothing can change between check and connect.
 *
 * Caveat: net.connect does not call `lookup` for a host that is already an IP literal. Use
 * createGuardedConnector, which also checks literals, or validate the URL before every send.
 */
export function createGuardedLookup(opts: GuardedLookupOptions): LookupFunction {
  return (hostname, options, callback) => {
    const family = requestedFamily(options.family);
    resolveChecked(hostname, opts).then(
      (addresses) => {
        const usable = family === 0 ? addresses : addresses.filter((a) => a.family === family);
        const first = usable[0];
        if (first === undefined) return callback(notFound(hostname), options.all ? [] : '');
        // Node ≥ 20 asks for all addresses (happy eyeballs, autoSelectFamily); older callers want one.
        if (options.all) callback(null, [...usable]);
        else callback(null, first.address, first.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, options.all ? [] : ''),
    );
  };
}

export interface GuardedConnectorOptions extends GuardedLookupOptions {
  /** Other undici connect options (timeout, TLS settings, …); `lookup` is ours. */
  connect?: Omit<buildConnector.BuildOptions, 'lookup'>;
}

/**
 * An undici connector (`new Agent({ connect: createGuardedConnector(opts) })`) that closes the caveat of
 * createGuardedLookup: an IP-literal host is checked here, a hostname by the guarded lookup. This is what the
 * delivery sender should use.
 */
export function createGuardedConnector(opts: GuardedConnectorOptions): buildConnector.connector {
  const connect = buildConnector({ ...opts.connect, lookup: createGuardedLookup(opts) });
  return (options, callback) => {
    // undici passes IPv6 literals without brackets.
    const host = unbracket(options.hostname);
    if (!opts.allowPrivate && isIP(host) !== 0) {
      const why = forbiddenAddressReason(host);
      if (why !== undefined) return callback(new ForbiddenAddressError(host, host, why), null);
    }
    connect(options, callback);
  };
}

export type ResolvedUrlCheck = { ok: true; url: URL; addresses: string[] } | { ok: false; reason: string };

/**
 * Subscribe-time validation: validateWebhookUrl, then resolve the host and check every address. An
 * unresolvable host is an error even with allowPrivate (the URL cannot work either way). Passing this check
 * does not make later deliveries safe — the guarded lookup re-checks at every connect.
 */
export async function resolveAndCheck(raw: string, opts: GuardedLookupOptions): Promise<ResolvedUrlCheck> {
  const checked = validateWebhookUrl(raw, opts);
  if (!checked.ok) return checked;
  const host = unbracket(checked.url.hostname);
  if (isIP(host) !== 0) return { ok: true, url: checked.url, addresses: [host] };
  try {
    const addresses = await resolveChecked(host, opts);
    if (addresses.length === 0) return { ok: false, reason: `host ${host} has no addresses` };
    return { ok: true, url: checked.url, addresses: addresses.map((a) => a.address) };
  } catch (error) {
    if (error instanceof ForbiddenAddressError) {
      return { ok: false, reason: `${host}: ${describeRefusal(host, error.address, error.why)}` };
    }
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    return { ok: false, reason: `host ${host} could not be resolved (${code})` };
  }
}
