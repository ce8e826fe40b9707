import { localpartForEmail } from "../../../homeserver-config/src/directory/user-id.ts";
import { AppError } from "../core/app-error.ts";
import type { RuntimeConfig } from "../core/runtime-config.ts";
import { baseUrlForServerName, serverNameForEmail } from "./discovery.ts";
import { parseIdentifier } from "./identifier.ts";
import type { StoredSession } from "./stored-session.ts";

interface LoginResponse {
  user_id: string;
  access_token: string;
  device_id: string;
}

/**
 * Logs in with an e-mail address or a Matrix ID and tells apart the failures a user can act
 * on: wrong password, unknown account, unreachable directory or homeserver.
 */
export async function passwordLogin(
  config: RuntimeConfig,
  input: string,
  password: string,
  fetchFn: typeof fetch = fetch,
): Promise<StoredSession> {
  const id = parseIdentifier(input);
  if (!id) throw new AppError("INVALID_IDENTIFIER", "neither an e-mail address nor a Matrix ID");
  const serverName =
    id.kind === "email" ? await serverNameForEmail(config, id.address, fetchFn) : id.serverName;
  const baseUrl = await baseUrlForServerName(config, serverName, fetchFn);
  const identifier =
    id.kind === "email"
      ? { type: "m.id.thirdparty", medium: "email", address: id.address }
      : { type: "m.id.user", user: id.userId };

  let res: Response;
  try {
    res = await fetchFn(`${baseUrl}/_matrix/client/v3/login`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        type: "m.login.password",
        identifier,
        password,
        initial_device_display_name: "Tchap web",
      }),
      signal: AbortSignal.timeout(20_000),
    });
  } catch (e) {
    throw new AppError("HOMESERVER_UNREACHABLE", `${serverName}: ${String(e)}`);
  }
  if (res.ok) {
    const body = (await res.json()) as LoginResponse;
    return {
      userId: body.user_id,
      deviceId: body.device_id,
      accessToken: body.access_token,
      baseUrl,
    };
  }
  if (res.status >= 500) throw new AppError("HOMESERVER_UNREACHABLE", `HTTP ${res.status}`);
  const err = (await res.json().catch(() => ({}))) as { errcode?: string };
  if (err.errcode === "M_LIMIT_EXCEEDED") throw new AppError("RATE_LIMITED");
  if (err.errcode === "M_USER_DEACTIVATED") throw new AppError("ACCOUNT_DEACTIVATED");
  if (err.errcode === "ORG_MATRIX_EXPIRED_ACCOUNT") throw new AppError("ACCOUNT_EXPIRED");
  // Synapse answers the same 403 for an unknown account and a wrong password; the public
  // profile endpoint tells them apart (404 for a user the homeserver does not have).
  const userId = id.kind === "mxid" ? id.userId : `@${localpartForEmail(id.address)}:${serverName}`;
  const exists = await accountExists(baseUrl, userId, fetchFn);
  throw new AppError(exists ? "WRONG_PASSWORD" : "UNKNOWN_ACCOUNT");
}

async function accountExists(
  baseUrl: string,
  userId: string,
  fetchFn: typeof fetch,
): Promise<boolean> {
  try {
    const res = await fetchFn(
      `${baseUrl}/_matrix/client/v3/profile/${encodeURIComponent(userId)}`,
      { signal: AbortSignal.timeout(10_000) },
    );
    return res.status !== 404;
  } catch {
    // Cannot tell: saying "wrong password" is the safer guess for someone who exists.
    return true;
  }
}
