import { ClientEvent, createClient, MatrixError, SyncState } from "matrix-js-sdk";
import type { Logger } from "matrix-js-sdk/lib/logger.js";
import { passwordLogin } from "../../../homeserver-config/src/admin/synapse-admin.ts";
import type {
  StackAccount,
  StackDescription,
} from "../../../homeserver-config/src/stack/stack-description.ts";

const silent: Logger = {
  trace: () => {},
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  getChild: () => silent,
};

/**
 * Gives `account` a new cross-signing identity from a new device (a real Rust-crypto client in
 * Node), as someone who lost their recovery key and reset their encryption does: the people who
 * had verified them must now be warned. Replacing existing keys needs the account password
 * (user-interactive auth); only an account's first upload goes through without it.
 */
export async function resetIdentity(stack: StackDescription, account: StackAccount): Promise<void> {
  const hs = stack.homeservers.find((h) => h.id === account.homeserver);
  if (!hs) throw new Error(`no homeserver ${account.homeserver}`);
  const login = await passwordLogin(hs.clientUrl, account.userId, account.password, "reset-test");
  const client = createClient({
    baseUrl: hs.clientUrl,
    userId: login.user_id,
    deviceId: login.device_id,
    accessToken: login.access_token,
    logger: silent,
  });
  try {
    await client.initRustCrypto({ useIndexedDB: false });
    // One sync first, so that this device's own keys are uploaded before it signs them.
    const synced = new Promise<void>((resolve) => {
      const onSync = (state: SyncState) => {
        if (state !== SyncState.Prepared && state !== SyncState.Syncing) return;
        client.off(ClientEvent.Sync, onSync);
        resolve();
      };
      client.on(ClientEvent.Sync, onSync);
    });
    await client.startClient({ initialSyncLimit: 1 });
    await synced;
    // What « Réinitialiser le chiffrement » does: new identity, new secret storage and backup.
    await client.getCrypto()!.resetEncryption(async (makeRequest) => {
      try {
        await makeRequest(null);
      } catch (e) {
        const session = e instanceof MatrixError ? (e.data.session as string) : undefined;
        if (!session) throw e;
        await makeRequest({
          type: "m.login.password",
          identifier: { type: "m.id.user", user: account.userId },
          password: account.password,
          session,
        });
      }
    });
  } finally {
    client.stopClient();
  }
}
