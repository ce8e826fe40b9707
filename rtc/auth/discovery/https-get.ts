/**
 * One HTTPS GET to a federation target, bounded in time and size. Connects to the address the
 * resolver gives while presenting `tlsName` (SNI and certificate check) and `hostHeader`, which
 * `fetch` cannot do. The path may hold a secret: it never appears in an error.
 */
import https from "node:https";
import { isIP } from "node:net";
import tls from "node:tls";

export interface TlsPolicy {
  /** Verify the server certificate (chain and name). Off only in a local profile. */
  verify: boolean;
  /** Extra trusted certificates (PEM), added to the system roots. */
  ca?: string[];
}

export interface HttpsTarget {
  host: string;
  port: number;
  hostHeader: string;
  tlsName: string;
}

export interface HttpsResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export type HttpsFailure = "dns" | "connect" | "tls" | "timeout" | "too_large" | "protocol";

export class HttpsGetError extends Error {
  override name = "HttpsGetError";
  constructor(
    readonly failure: HttpsFailure,
    message: string,
  ) {
    super(message);
  }
}

/** Resolves a host name to one address (IP literals pass through). */
export type AddressResolver = (host: string, signal: AbortSignal) => Promise<string>;

export interface HttpsGetOptions {
  tls: TlsPolicy;
  resolve: AddressResolver;
  timeoutMs: number;
  maxBytes: number;
  /** Connection pool to reuse (keep-alive); a fresh connection per request without it. */
  agent?: https.Agent;
}

const TLS_ERROR = /CERT|SELF_SIGNED|UNABLE_TO|SSL|TLS|HOSTNAME|ALTNAME|EPROTO/;

export async function httpsGet(
  target: HttpsTarget,
  path: string,
  options: HttpsGetOptions,
): Promise<HttpsResponse> {
  const signal = AbortSignal.timeout(options.timeoutMs);
  const where = `${target.host}:${target.port}`;
  let address: string;
  try {
    address = isIP(target.host) ? target.host : await options.resolve(target.host, signal);
  } catch (e) {
    if (signal.aborted) throw new HttpsGetError("timeout", `resolving ${target.host} timed out`);
    throw new HttpsGetError("dns", `cannot resolve ${target.host}: ${(e as Error).message}`);
  }
  const ca = options.tls.ca?.length ? [...tls.rootCertificates, ...options.tls.ca] : undefined;

  return new Promise<HttpsResponse>((resolve, reject) => {
    const fail = (failure: HttpsFailure, message: string) =>
      reject(new HttpsGetError(failure, message));
    const req = https.request(
      {
        host: address,
        port: target.port,
        path,
        method: "GET",
        headers: { host: target.hostHeader, accept: "application/json" },
        // SNI carries names only, never an IP literal.
        servername: isIP(target.tlsName) ? "" : target.tlsName,
        rejectUnauthorized: options.tls.verify,
        ...(ca ? { ca } : {}),
        checkServerIdentity: options.tls.verify
          ? (_host, cert) => tls.checkServerIdentity(target.tlsName, cert)
          : () => undefined,
        agent: options.agent ?? false,
        signal,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > options.maxBytes) {
            req.destroy();
            fail("too_large", `answer from ${where} is larger than ${options.maxBytes} bytes`);
            return;
          }
          chunks.push(chunk);
        });
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString("utf8"),
          }),
        );
        res.on("error", (e) =>
          signal.aborted
            ? fail("timeout", `${where} did not answer within ${options.timeoutMs} ms`)
            : fail("protocol", `reading the answer from ${where} failed: ${e.message}`),
        );
      },
    );
    req.on("error", (e: NodeJS.ErrnoException) => {
      if (signal.aborted) fail("timeout", `${where} did not answer within ${options.timeoutMs} ms`);
      else if (TLS_ERROR.test(e.code ?? "")) fail("tls", `TLS with ${where} failed: ${e.code}`);
      else fail("connect", `cannot reach ${where}: ${e.code ?? e.message}`);
    });
    req.end();
  });
}
