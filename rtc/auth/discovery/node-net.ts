/**
 * The real network behind discovery: DNS (with a hosts-file-like override map for server names
 * that exist only on this machine, e.g. `*.localhost` in the local stack), SRV lookups and the
 * `.well-known` fetch with its cache.
 */
import { lookup } from "node:dns/promises";
import { Resolver } from "node:dns/promises";
import type { DiscoveryNet, SrvRecord } from "./resolve.ts";
import { httpsGet, type AddressResolver, type TlsPolicy } from "./https-get.ts";
import { parseWellKnown, wellKnownTtlMs } from "./well-known.ts";

export interface NodeNetOptions {
  /**
   * Host name → IP address, consulted before DNS. Names listed here are treated as having no
   * SRV records, so no DNS query ever leaves the machine for them.
   */
  hosts?: Record<string, string>;
  /** DNS servers (`ip[:port]`) instead of the system's, for SRV and address lookups. */
  dnsServers?: string[];
  tls: TlsPolicy;
  wellKnownTimeoutMs?: number;
  dnsTimeoutMs?: number;
  now?: () => number;
  log?: (line: string) => void;
}

const WELL_KNOWN_MAX_BYTES = 64 * 1024;
const MAX_REDIRECTS = 3;

/**
 * hosts override, then the system resolver (getaddrinfo: /etc/hosts and DNS), or A then AAAA
 * queries to `resolver` when specific DNS servers are configured.
 */
export function addressResolver(
  hosts: Record<string, string> = {},
  timeoutMs = 3_000,
  resolver?: Resolver,
): AddressResolver {
  const table = new Map(Object.entries(hosts).map(([k, v]) => [k.toLowerCase(), v]));
  return async (host, signal) => {
    const fixed = table.get(host.toLowerCase());
    if (fixed) return fixed;
    // getaddrinfo cannot be cancelled; stop waiting for it instead.
    const deadline = AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]);
    const { address } = await Promise.race([
      resolver ? resolveWith(resolver, host) : lookup(host),
      new Promise<never>((_, reject) =>
        deadline.addEventListener("abort", () => reject(new Error("DNS lookup timed out")), {
          once: true,
        }),
      ),
    ]);
    return address;
  };
}

async function resolveWith(resolver: Resolver, host: string): Promise<{ address: string }> {
  const v4 = await resolver.resolve4(host).catch(() => [] as string[]);
  const v6 = v4.length > 0 ? [] : await resolver.resolve6(host).catch(() => [] as string[]);
  const address = v4[0] ?? v6[0];
  if (!address) throw new Error(`no address for ${host}`);
  return { address };
}

export class NodeDiscoveryNet implements DiscoveryNet {
  readonly resolveAddress: AddressResolver;
  private readonly hosts: Set<string>;
  private readonly resolver: Resolver;
  private readonly cache = new Map<string, { value: string | undefined; until: number }>();
  private readonly now: () => number;

  constructor(private readonly options: NodeNetOptions) {
    const dnsTimeoutMs = options.dnsTimeoutMs ?? 2_000;
    this.hosts = new Set(Object.keys(options.hosts ?? {}).map((h) => h.toLowerCase()));
    this.resolver = new Resolver({ timeout: dnsTimeoutMs, tries: 1 });
    if (options.dnsServers) this.resolver.setServers(options.dnsServers);
    this.resolveAddress = addressResolver(
      options.hosts,
      dnsTimeoutMs,
      options.dnsServers ? this.resolver : undefined,
    );
    this.now = options.now ?? Date.now;
  }

  async srv(name: string): Promise<SrvRecord[]> {
    const host = name.replace(/^_[^.]+\._tcp\./, "").toLowerCase();
    if (this.hosts.has(host)) return [];
    try {
      return await this.resolver.resolveSrv(name);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== "ENOTFOUND" && code !== "ENODATA") {
        this.options.log?.(`SRV lookup of ${name} failed (${code}); treating as no record`);
      }
      return [];
    }
  }

  async wellKnownServer(hostname: string): Promise<string | undefined> {
    const key = hostname.toLowerCase();
    const cached = this.cache.get(key);
    if (cached && cached.until > this.now()) return cached.value;
    const { value, cacheControl } = await this.fetchWellKnown(hostname);
    const ttl = wellKnownTtlMs(value, cacheControl);
    if (ttl > 0) this.cache.set(key, { value, until: this.now() + ttl });
    return value;
  }

  private async fetchWellKnown(
    hostname: string,
  ): Promise<{ value: string | undefined; cacheControl?: string }> {
    let url = new URL(`https://${hostname}/.well-known/matrix/server`);
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      try {
        const port = url.port ? Number(url.port) : 443;
        const host = url.hostname.replace(/^\[|\]$/g, "");
        const res = await httpsGet(
          { host, port, hostHeader: url.host, tlsName: host },
          url.pathname,
          {
            tls: this.options.tls,
            resolve: this.resolveAddress,
            timeoutMs: this.options.wellKnownTimeoutMs ?? 3_000,
            maxBytes: WELL_KNOWN_MAX_BYTES,
          },
        );
        const location = res.headers.location;
        if (res.status >= 300 && res.status < 400 && typeof location === "string") {
          const next = new URL(location, url);
          if (next.protocol !== "https:") return { value: undefined };
          url = next;
          continue;
        }
        const cc = res.headers["cache-control"];
        return {
          value: parseWellKnown(res.status, res.body),
          ...(typeof cc === "string" ? { cacheControl: cc } : {}),
        };
      } catch {
        // No .well-known (refused, TLS failure, timeout…) is the common case: fall through to SRV.
        return { value: undefined };
      }
    }
    return { value: undefined };
  }
}
