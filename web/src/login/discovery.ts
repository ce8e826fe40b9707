import { AppError } from "../core/app-error.ts";
import type { RuntimeConfig } from "../core/runtime-config.ts";

/**
 * E-mail → homeserver server name (agency directory) → client base URL (`.well-known`).
 * Plain fetch: this runs on the login screen, before matrix-js-sdk is loaded.
 */
export async function serverNameForEmail(
  config: RuntimeConfig,
  address: string,
  fetchFn: typeof fetch = fetch,
): Promise<string> {
  const url =
    `${config.directoryUrl}/_matrix/identity/api/v1/info?medium=email&address=` +
    encodeURIComponent(address);
  let res: Response;
  try {
    res = await fetchFn(url, { signal: AbortSignal.timeout(10_000) });
  } catch (e) {
    throw new AppError("DIRECTORY_UNREACHABLE", String(e));
  }
  if (!res.ok) throw new AppError("DIRECTORY_UNREACHABLE", `HTTP ${res.status}`);
  const body = (await res.json().catch(() => ({}))) as { hs?: unknown };
  if (typeof body.hs !== "string" || !body.hs) {
    throw new AppError("UNKNOWN_ACCOUNT", "the directory knows no homeserver for this address");
  }
  return body.hs;
}

export async function baseUrlForServerName(
  config: RuntimeConfig,
  serverName: string,
  fetchFn: typeof fetch = fetch,
): Promise<string> {
  const wellKnownBase = config.wellKnownBaseUrls[serverName] ?? `https://${serverName}`;
  let res: Response;
  try {
    res = await fetchFn(`${wellKnownBase.replace(/\/+$/, "")}/.well-known/matrix/client`, {
      signal: AbortSignal.timeout(10_000),
    });
  } catch (e) {
    throw new AppError("HOMESERVER_UNREACHABLE", `${serverName}: ${String(e)}`);
  }
  if (res.status === 404) return wellKnownBase.replace(/\/+$/, "");
  if (!res.ok) throw new AppError("HOMESERVER_UNREACHABLE", `${serverName}: HTTP ${res.status}`);
  const body = (await res.json().catch(() => ({}))) as { "m.homeserver"?: { base_url?: unknown } };
  const baseUrl = body["m.homeserver"]?.base_url;
  if (typeof baseUrl !== "string" || !/^https?:\/\//.test(baseUrl)) {
    throw new AppError("HOMESERVER_UNREACHABLE", `${serverName}: no m.homeserver.base_url`);
  }
  return baseUrl.replace(/\/+$/, "");
}
