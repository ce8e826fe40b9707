/**
 * Matrix server names (`host[:port]`, host an IPv4 literal, a bracketed IPv6 literal or a DNS
 * name) as the server-server API's grammar defines them.
 */
import { isIPv4, isIPv6 } from "node:net";

export interface ServerName {
  /** Without brackets for IPv6. */
  host: string;
  port?: number;
  ipLiteral: boolean;
}

const DNS_NAME = /^[0-9A-Za-z.-]{1,255}$/;

/** Parses a server name or a delegated name from `.well-known`; undefined when invalid. */
export function parseServerName(value: string): ServerName | undefined {
  let host: string;
  let portText: string | undefined;
  if (value.startsWith("[")) {
    const end = value.indexOf("]");
    if (end < 0) return undefined;
    host = value.slice(1, end);
    const rest = value.slice(end + 1);
    if (rest !== "" && !rest.startsWith(":")) return undefined;
    portText = rest ? rest.slice(1) : undefined;
    if (!isIPv6(host)) return undefined;
  } else {
    const colon = value.lastIndexOf(":");
    host = colon >= 0 ? value.slice(0, colon) : value;
    portText = colon >= 0 ? value.slice(colon + 1) : undefined;
    if (!DNS_NAME.test(host)) return undefined;
    if (host.startsWith(".") || host.endsWith(".") || host.includes("..")) return undefined;
  }
  let port: number | undefined;
  if (portText !== undefined) {
    if (!/^\d{1,5}$/.test(portText)) return undefined;
    port = Number(portText);
    if (port < 1 || port > 65535) return undefined;
  }
  const ipLiteral = isIPv4(host) || isIPv6(host);
  return port === undefined ? { host, ipLiteral } : { host, port, ipLiteral };
}

/** `host[:port]` back, with brackets around IPv6 (the form of a Host header). */
export function formatHostPort(host: string, port?: number): string {
  const h = isIPv6(host) ? `[${host}]` : host;
  return port === undefined ? h : `${h}:${port}`;
}
