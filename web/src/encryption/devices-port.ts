import type { MatrixClient } from "matrix-js-sdk";
import { CryptoEvent } from "matrix-js-sdk/lib/crypto-api/index.js";
import type { Unsubscribe } from "../core/observable.ts";
import { passwordAuth } from "./user-interactive-auth.ts";

/** One of my devices as the homeserver and my crypto know it. */
export interface DeviceInfo {
  deviceId: string;
  displayName: string | null;
  lastSeenTs: number | null;
  lastSeenIp: string | null;
  /** Cross-signed by me (or verified locally): my other devices trust it. */
  verified: boolean;
}

/** What the devices view model needs of the account: the SDK client stays behind this. */
export interface DevicesPort {
  readonly myDeviceId: string;
  list(): Promise<DeviceInfo[]>;
  rename(deviceId: string, displayName: string): Promise<void>;
  /** Signs a device out; the homeserver asks for my password again (user-interactive auth). */
  signOut(deviceId: string, password: string): Promise<void>;
  /** Calls back when my devices or their verification may have changed. */
  onChange(listener: () => void): Unsubscribe;
}

export function matrixDevicesPort(client: MatrixClient): DevicesPort {
  const userId = client.getSafeUserId();
  return {
    myDeviceId: client.getDeviceId() ?? "",
    async list() {
      const { devices } = await client.getDevices();
      const crypto = client.getCrypto();
      return Promise.all(
        devices.map(async (d) => {
          const status = await crypto
            ?.getDeviceVerificationStatus(userId, d.device_id)
            .catch(() => null);
          return {
            deviceId: d.device_id,
            displayName: d.display_name ?? null,
            lastSeenTs: d.last_seen_ts ?? null,
            lastSeenIp: d.last_seen_ip ?? null,
            verified: status?.isVerified() ?? false,
          };
        }),
      );
    },
    async rename(deviceId, displayName) {
      await client.setDeviceDetails(deviceId, { display_name: displayName });
    },
    async signOut(deviceId, password) {
      await passwordAuth(
        userId,
        password,
      )(async (auth) => {
        await client.deleteDevice(deviceId, auth ?? undefined);
      });
    },
    onChange(listener) {
      const onDevices = (users: string[]) => {
        if (users.includes(userId)) listener();
      };
      const onTrust = (user: string) => {
        if (user === userId) listener();
      };
      client.on(CryptoEvent.DevicesUpdated, onDevices);
      client.on(CryptoEvent.UserTrustStatusChanged, onTrust);
      return () => {
        client.off(CryptoEvent.DevicesUpdated, onDevices);
        client.off(CryptoEvent.UserTrustStatusChanged, onTrust);
      };
    },
  };
}
