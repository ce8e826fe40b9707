import https from "node:https";
import { MatrixHttpError, matrixRequest } from "../admin/matrix-http.ts";
import type { OpenIdVerifier, RegisteredAddresses } from "./ports.ts";

export interface DirectoryHomeserver {
  id: string;
  serverName: string;
  clientUrl: string;
  /** host:port of its federation listener (serves the OpenID userinfo endpoint). */
  federationAddress: string;
  adminToken: string;
}

/** Asks each homeserver's admin API which user, if any, has the address bound. */
export class SynapseRegisteredAddresses implements RegisteredAddresses {
  constructor(
    private readonly homeservers: DirectoryHomeserver[],
    private readonly log: (line: string) => void,
  ) {}

  async homeserverOf(address: string): Promise<string | undefined> {
    const path = `/_synapse/admin/v1/threepid/email/users/${encodeURIComponent(address)}`;
    const found = await Promise.all(
      this.homeservers.map(async (hs) => {
        try {
          await matrixRequest(hs.clientUrl, path, { accessToken: hs.adminToken, timeoutMs: 5000 });
          return hs.id;
        } catch (e) {
          if (e instanceof MatrixHttpError && e.status === 404) return undefined;
          // An unreachable homeserver must not stop logins elsewhere: answer by the rules.
          this.log(`directory: ${hs.serverName} did not answer a lookup: ${(e as Error).message}`);
          return undefined;
        }
      }),
    );
    return found.find((id) => id !== undefined);
  }
}

/**
 * Verifies OpenID tokens with the issuing homeserver's federation listener, as identity
 * servers do. `verifyTls` is false only in the local profile (self-signed certificates).
 */
export class FederationOpenIdVerifier implements OpenIdVerifier {
  constructor(
    private readonly homeservers: DirectoryHomeserver[],
    private readonly verifyTls: boolean,
  ) {}

  async userIdFor(accessToken: string, serverName: string): Promise<string> {
    // Only servers of the federation, at their known addresses: no request to anywhere else.
    const hs = this.homeservers.find((h) => h.serverName === serverName);
    if (!hs) throw new Error(`${serverName} is not a homeserver of this federation`);
    const [host, port] = hs.federationAddress.split(":");
    const path = `/_matrix/federation/v1/openid/userinfo?access_token=${encodeURIComponent(accessToken)}`;
    const { status, body } = await new Promise<{ status: number; body: string }>(
      (resolve, reject) => {
        const req = https.get(
          {
            host,
            port: Number(port),
            path,
            servername: serverName,
            rejectUnauthorized: this.verifyTls,
            timeout: 5000,
          },
          (res) => {
            let text = "";
            res.on("data", (c: Buffer) => (text += c.toString()));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
          },
        );
        req.on("timeout", () => req.destroy(new Error(`${serverName} did not answer in time`)));
        req.on("error", reject);
      },
    );
    if (status !== 200) throw new Error(`${serverName} did not accept the OpenID token`);
    const sub = (JSON.parse(body) as { sub?: unknown }).sub;
    if (typeof sub !== "string" || !sub.endsWith(`:${serverName}`)) {
      throw new Error(`${serverName} returned no user for the OpenID token`);
    }
    return sub;
  }
}
