import { createHmac } from "node:crypto";
import { MatrixHttpError, matrixRequest } from "./matrix-http.ts";

export interface UserSpec {
  userId: string;
  password: string;
  displayName: string;
  email?: string;
  admin?: boolean;
}

/** What the stack needs from a homeserver's admin API; tests and bots use the same calls. */
export interface HomeserverAdmin {
  /** Creates the user if absent; an existing user (and its password and devices) is left alone. */
  ensureUser(user: UserSpec): Promise<"created" | "existing">;
}

/** Registers with the shared secret (HMAC-SHA1 over nonce, user, password, admin flag). */
export async function registerWithSharedSecret(
  baseUrl: string,
  sharedSecret: string,
  user: { localpart: string; password: string; admin: boolean; displayName?: string },
): Promise<{ user_id: string; access_token: string }> {
  const { nonce } = await matrixRequest<{ nonce: string }>(baseUrl, "/_synapse/admin/v1/register");
  const mac = createHmac("sha1", sharedSecret)
    .update([nonce, user.localpart, user.password, user.admin ? "admin" : "notadmin"].join("\0"))
    .digest("hex");
  return matrixRequest(baseUrl, "/_synapse/admin/v1/register", {
    method: "POST",
    body: {
      nonce,
      username: user.localpart,
      password: user.password,
      admin: user.admin,
      displayname: user.displayName,
      mac,
    },
  });
}

export async function passwordLogin(
  baseUrl: string,
  user: string,
  password: string,
  deviceName = "tchap-stack",
): Promise<{ user_id: string; access_token: string; device_id: string }> {
  return matrixRequest(baseUrl, "/_matrix/client/v3/login", {
    method: "POST",
    body: {
      type: "m.login.password",
      identifier: { type: "m.id.user", user },
      password,
      initial_device_display_name: deviceName,
    },
  });
}

export class SynapseAdminClient implements HomeserverAdmin {
  constructor(
    private readonly baseUrl: string,
    private readonly accessToken: string,
  ) {}

  /**
   * Logs the server's admin in, registering it first through the shared secret when it does
   * not exist yet.
   */
  static async forServerAdmin(
    baseUrl: string,
    serverName: string,
    sharedSecret: string,
    password: string,
  ): Promise<SynapseAdminClient> {
    try {
      const { access_token } = await registerWithSharedSecret(baseUrl, sharedSecret, {
        localpart: "admin",
        password,
        admin: true,
        displayName: "Administrateur",
      });
      return new SynapseAdminClient(baseUrl, access_token);
    } catch (e) {
      if (!(e instanceof MatrixHttpError && e.errcode === "M_USER_IN_USE")) throw e;
    }
    const { access_token } = await passwordLogin(baseUrl, `@admin:${serverName}`, password);
    return new SynapseAdminClient(baseUrl, access_token);
  }

  get token(): string {
    return this.accessToken;
  }

  async ensureUser(user: UserSpec): Promise<"created" | "existing"> {
    const path = `/_synapse/admin/v2/users/${encodeURIComponent(user.userId)}`;
    try {
      await matrixRequest(this.baseUrl, path, { accessToken: this.accessToken });
      return "existing";
    } catch (e) {
      if (!(e instanceof MatrixHttpError && e.status === 404)) throw e;
    }
    await matrixRequest(this.baseUrl, path, {
      method: "PUT",
      accessToken: this.accessToken,
      body: {
        password: user.password,
        displayname: user.displayName,
        admin: user.admin ?? false,
        threepids: user.email ? [{ medium: "email", address: user.email }] : [],
      },
    });
    return "created";
  }
}
