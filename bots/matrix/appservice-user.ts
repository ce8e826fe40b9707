import { MatrixHttpError } from "../../homeserver-config/src/admin/matrix-http.ts";
import { enc, type MatrixApi } from "./matrix-api.ts";

/** "@bot.meeting:server" → "bot.meeting". */
export function localpartOf(userId: string): string {
  return userId.slice(1, userId.indexOf(":"));
}

/**
 * Registers the appservice user `api` acts as, when it is not registered yet. Synapse creates
 * an appservice's sender without a profile, and then fails (500) to set its display name:
 * registering first gives every identity of ours a profile.
 */
export async function ensureAppserviceUser(api: MatrixApi): Promise<void> {
  try {
    await api.call("POST", "/_matrix/client/v3/register", {
      body: {
        type: "m.login.application_service",
        username: localpartOf(api.userId),
        inhibit_login: true,
      },
    });
  } catch (e) {
    if (!(e instanceof MatrixHttpError && e.errcode === "M_USER_IN_USE")) throw e;
  }
}

/** Registers the appservice user if needed, then sets its display name. */
export async function nameAppserviceUser(api: MatrixApi, displayname: string): Promise<void> {
  await ensureAppserviceUser(api);
  await api.call("PUT", `/_matrix/client/v3/profile/${enc(api.userId)}/displayname`, {
    body: { displayname },
  });
}
