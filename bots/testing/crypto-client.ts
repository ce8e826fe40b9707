import {
  ClientEvent,
  createClient,
  RoomEvent,
  SyncState,
  type MatrixClient,
  type MatrixEvent,
} from "matrix-js-sdk";
import type { CryptoCallbacks } from "matrix-js-sdk/lib/crypto-api/index.js";
import type { Logger } from "matrix-js-sdk/lib/logger.js";
import { passwordLogin } from "../../homeserver-config/src/admin/synapse-admin.ts";
import type {
  StackAccount,
  StackDescription,
} from "../../homeserver-config/src/stack/stack-description.ts";

const silent: Logger = {
  trace: () => {},
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  getChild: () => silent,
};

/**
 * A demo account as a real end-to-end encrypting Matrix client (matrix-js-sdk, Rust crypto),
 * as a user of the web client is: for tests that talk to the bot in encrypted rooms.
 */
export async function cryptoClient(
  stack: StackDescription,
  homeserverId: string,
  n = 0,
): Promise<MatrixClient> {
  const account = stack.accounts.filter((a) => a.homeserver === homeserverId)[n];
  if (!account) throw new Error(`no demo account ${n} on ${homeserverId}`);
  return accountCryptoClient(stack, account);
}

/** A new device of `account` with Rust crypto (keys in memory), synced once and syncing. */
export async function accountCryptoClient(
  stack: StackDescription,
  account: StackAccount,
  deviceName = "bots-test",
  cryptoCallbacks?: CryptoCallbacks,
): Promise<MatrixClient> {
  const hs = stack.homeservers.find((h) => h.id === account.homeserver);
  if (!hs) throw new Error(`no homeserver ${account.homeserver}`);
  const login = await passwordLogin(hs.clientUrl, account.userId, account.password, deviceName);
  const client = createClient({
    baseUrl: hs.clientUrl,
    userId: login.user_id,
    deviceId: login.device_id,
    accessToken: login.access_token,
    logger: silent,
    ...(cryptoCallbacks ? { cryptoCallbacks } : {}),
  });
  await client.initRustCrypto({ useIndexedDB: false });
  const ready = new Promise<void>((resolve) => {
    const onSync = (s: SyncState) => {
      if (s === SyncState.Prepared || s === SyncState.Syncing) {
        client.off(ClientEvent.Sync, onSync);
        resolve();
      }
    };
    client.on(ClientEvent.Sync, onSync);
  });
  await client.startClient({ initialSyncLimit: 5 });
  await ready;
  return client;
}

/** The first event of `roomId` (decrypted if need be) that matches, past or future. */
export function waitForDecrypted(
  client: MatrixClient,
  roomId: string,
  match: (e: MatrixEvent) => boolean,
  timeoutMs = 30_000,
): Promise<MatrixEvent> {
  return new Promise((resolve, reject) => {
    let done = false;
    const check = async (e: MatrixEvent) => {
      if (done || e.getRoomId() !== roomId) return;
      if (e.isEncrypted()) await client.decryptEventIfNeeded(e);
      if (!done && match(e)) {
        done = true;
        client.off(RoomEvent.Timeline, onTimeline);
        clearTimeout(timer);
        resolve(e);
      }
    };
    const onTimeline = (e: MatrixEvent) => void check(e);
    const timer = setTimeout(() => {
      done = true;
      client.off(RoomEvent.Timeline, onTimeline);
      reject(new Error(`no matching event in ${roomId} within ${timeoutMs} ms`));
    }, timeoutMs);
    client.on(RoomEvent.Timeline, onTimeline);
    for (const e of client.getRoom(roomId)?.getLiveTimeline().getEvents() ?? []) void check(e);
  });
}

/** Joins once the invitation has arrived (it may still be on its way over federation). */
export async function joinWhenInvited(client: MatrixClient, roomId: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await client.joinRoom(roomId);
      return;
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 300));
    }
  }
}
