/**
 * Browser side of the call test harness: a minimal Matrix client (matrix-js-sdk, Rust crypto)
 * hosting our Element Call widget through widgets/ — the same classes the web client uses.
 * Driven from Node through `window.callHarness`. Used until/unless the real web client is
 * needed for the scenario; never a stand-in for the widget host itself.
 */
import { ClientEvent, createClient, SyncState, type MatrixClient } from "matrix-js-sdk";
import { CallWidgetHost } from "../../../../widgets/src/host/call-widget-host.ts";
import { MatrixClientAdapter } from "../../../../widgets/src/host/matrix-client-adapter.ts";
import type { CallIntent } from "../../../../widgets/src/element-call/widget-url.ts";

let client: MatrixClient | undefined;
let adapter: MatrixClientAdapter | undefined;
let host: CallWidgetHost | undefined;
const log: string[] = [];
const hostStates: string[] = [];

function need<T>(v: T | undefined, what: string): T {
  if (v === undefined) throw new Error(`call harness: ${what} first`);
  return v;
}

async function login(baseUrl: string, userId: string, password: string): Promise<string> {
  const tmp = createClient({ baseUrl });
  const res = await tmp.loginRequest({
    type: "m.login.password",
    identifier: { type: "m.id.user", user: userId },
    password,
    initial_device_display_name: "call harness",
  });
  client = createClient({
    baseUrl,
    userId: res.user_id,
    deviceId: res.device_id,
    accessToken: res.access_token,
  });
  await client.initRustCrypto({ useIndexedDB: false });
  const ready = new Promise<void>((resolve) => {
    const onSync = (state: SyncState) => {
      if (state === SyncState.Prepared || state === SyncState.Syncing) {
        client?.off(ClientEvent.Sync, onSync);
        resolve();
      }
    };
    client?.on(ClientEvent.Sync, onSync);
  });
  await client.startClient({ initialSyncLimit: 20 });
  await ready;
  adapter = new MatrixClientAdapter(client);
  return res.device_id;
}

async function waitForRoom(roomId: string, timeoutMs = 30_000): Promise<void> {
  const c = need(client, "login");
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (c.getRoom(roomId)?.getMyMembership() === "join") return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`room ${roomId} not joined within ${timeoutMs} ms`);
}

function startCall(roomId: string, intent: CallIntent): void {
  const c = need(client, "login");
  host?.dispose();
  const container = document.getElementById("call")!;
  host = new CallWidgetHost({
    client: need(adapter, "login"),
    feed: need(adapter, "login"),
    roomId,
    intent,
    elementCallUrl: new URL("/widgets/element-call/index.html", location.href).toString(),
    parentUrl: location.href,
    container,
    lang: "fr",
    displayName: c.getUser(c.getSafeUserId())?.displayName ?? undefined,
    log: (line) => log.push(line),
  });
  host.iframe.style.cssText = "width:100%;height:100%;border:0";
  host.on("state", (s) => hostStates.push(s));
}

function participants(roomId: string): string[] {
  const c = need(client, "login");
  const room = c.getRoom(roomId);
  if (!room) return [];
  return c.matrixRTC.getRoomSession(room).memberships.map((m) => `${m.sender}|${m.deviceId}`);
}

const api = {
  login,
  waitForRoom,
  startCall,
  participants,
  hostState: () => host?.state ?? "none",
  hostStates: () => [...hostStates],
  hangup: async () => need(host, "startCall").hangup(),
  log: () => [...log],
};
export type CallHarnessApi = typeof api;
(globalThis as unknown as { callHarness: CallHarnessApi }).callHarness = api;
