import { readdir, rm } from "node:fs/promises";
import path from "node:path";
import { localpartOf } from "../matrix/appservice-user.ts";
import type { MatrixApi } from "../matrix/matrix-api.ts";
import { DurableIndexedDB } from "../store/durable-indexeddb.ts";

export interface DeviceCredentials {
  deviceId: string;
  accessToken: string;
}

export interface DeviceSession extends DeviceCredentials {
  /** The device's crypto and sync databases (journaled in `storeDir/<device id>/`). */
  durable: DurableIndexedDB;
  /** Name prefix of the Rust crypto databases. */
  cryptoDatabasePrefix: string;
  /** Name of the sync database (the SDK prefixes it with `matrix-js-sdk:`). */
  syncDatabaseName: string;
  /** The device existed before this start (same keys, same sync position). */
  resumed: boolean;
}

export interface DeviceSessionOptions {
  api: MatrixApi;
  baseUrl: string;
  /** Folder holding one sub-folder per device (only the current one is kept). */
  storeDir: string;
  deviceName: string;
  /** The device saved by the previous run, if any (from the bot's state file). */
  saved: DeviceCredentials | undefined;
  /** Persists the device before anything is encrypted with it. */
  save(d: DeviceCredentials): Promise<void>;
  log(line: string): void;
}

/**
 * The bot's device: the saved one when its keys are still on disk and its token still works;
 * otherwise a new one. A device is never reused without its keys: other devices know its
 * identity keys, and new keys under the same device id would be refused by the homeserver.
 */
export async function openDeviceSession(o: DeviceSessionOptions): Promise<DeviceSession> {
  let device = o.saved;
  let resumed = false;
  if (device) {
    if (!(await hasStore(path.join(o.storeDir, device.deviceId)))) {
      o.log(`meeting bot: no store for device ${device.deviceId}; replacing the device`);
    } else if (!(await tokenWorks(o.baseUrl, device))) {
      o.log(`meeting bot: device ${device.deviceId} was logged out; replacing the device`);
    } else {
      resumed = true;
    }
  }
  if (!resumed) {
    if (device) await logout(o.baseUrl, device.accessToken).catch(() => {});
    device = await login(o.api, o.deviceName);
    await o.save(device);
  }
  const current = device!;
  await removeOtherDevices(o.storeDir, current.deviceId);
  const prefix = `matrix-js-sdk:${o.api.userId}/${current.deviceId}/`;
  const durable = await DurableIndexedDB.open(path.join(o.storeDir, current.deviceId), prefix);
  return {
    ...current,
    durable,
    cryptoDatabasePrefix: `${prefix}crypto`,
    syncDatabaseName: `${o.api.userId}/${current.deviceId}/sync`,
    resumed,
  };
}

async function hasStore(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).some((f) => f.includes("matrix-sdk-crypto"));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw e;
  }
}

async function removeOtherDevices(storeDir: string, keep: string): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(storeDir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return;
    throw e;
  }
  for (const entry of entries) {
    if (entry !== keep) await rm(path.join(storeDir, entry), { recursive: true, force: true });
  }
}

async function login(api: MatrixApi, deviceName: string): Promise<DeviceCredentials> {
  const res = await api.call<{ device_id: string; access_token: string }>(
    "POST",
    "/_matrix/client/v3/login",
    {
      body: {
        type: "m.login.application_service",
        identifier: { type: "m.id.user", user: localpartOf(api.userId) },
        initial_device_display_name: deviceName,
      },
    },
  );
  return { deviceId: res.device_id, accessToken: res.access_token };
}

/** False only when the homeserver says the token is gone (not when it is unreachable). */
async function tokenWorks(baseUrl: string, device: DeviceCredentials): Promise<boolean> {
  const res = await fetch(`${baseUrl}/_matrix/client/v3/account/whoami`, {
    headers: { authorization: `Bearer ${device.accessToken}` },
    signal: AbortSignal.timeout(10_000),
  });
  if (res.status === 401) return false;
  if (!res.ok) throw new Error(`whoami for the bot's device: HTTP ${res.status}`);
  const body = (await res.json()) as { device_id?: string };
  return body.device_id === device.deviceId;
}

async function logout(baseUrl: string, accessToken: string): Promise<void> {
  await fetch(`${baseUrl}/_matrix/client/v3/logout`, {
    method: "POST",
    headers: { authorization: `Bearer ${accessToken}`, "content-type": "application/json" },
    body: "{}",
    signal: AbortSignal.timeout(10_000),
  });
}
