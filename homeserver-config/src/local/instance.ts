import path from "node:path";
import type { Federation, Homeserver } from "../model.ts";

/**
 * One running copy of the local federation. Several can run side by side (a developer's
 * `npm start` and the test suite): each has its own data folder, loopback range and ports.
 */
export interface LocalInstance {
  name: string;
  dataDir: string;
  /** First three octets of the loopback addresses homeservers federate on, e.g. "127.0.0". */
  loopbackPrefix: string;
  /** Client listeners take consecutive ports from here; other services from `+80`. */
  portBase: number;
}

export function devInstance(projectRoot: string): LocalInstance {
  return {
    name: "dev",
    dataDir: path.join(projectRoot, ".local", "dev"),
    loopbackPrefix: "127.0.0",
    portBase: 8008,
  };
}

/**
 * The test suite's instance. `TCHAP_TEST_SLOT` (0–9) picks another data folder, loopback range
 * and ports, so several checkouts or engineers can run the suite on one machine at once.
 */
export function testInstance(
  projectRoot: string,
  slot = Number(process.env.TCHAP_TEST_SLOT ?? 0),
): LocalInstance {
  if (!Number.isInteger(slot) || slot < 0 || slot > 9) {
    throw new Error(
      `TCHAP_TEST_SLOT must be a whole number from 0 to 9, not "${process.env.TCHAP_TEST_SLOT}"`,
    );
  }
  return {
    name: slot === 0 ? "test" : `test-${slot}`,
    dataDir: path.join(projectRoot, ".local", slot === 0 ? "test" : `test-${slot}`),
    loopbackPrefix: `127.0.${40 + slot}`,
    portBase: 18008 + slot * 200,
  };
}

/** Where each homeserver of an instance listens and keeps its files. */
export interface LocalHomeserverLayout {
  homeserver: Homeserver;
  serverName: string;
  federationAddress: string;
  federationPort: number;
  clientPort: number;
  clientUrl: string;
  dir: string;
}

export const FEDERATION_PORT = 8448;

export function localServerName(hs: Homeserver): string {
  return `${hs.id}.localhost`;
}

export function layoutHomeservers(
  federation: Federation,
  instance: LocalInstance,
): LocalHomeserverLayout[] {
  return federation.homeservers.map((homeserver, i) => {
    const clientPort = instance.portBase + i;
    return {
      homeserver,
      serverName: localServerName(homeserver),
      federationAddress: `${instance.loopbackPrefix}.${i + 2}`,
      federationPort: FEDERATION_PORT,
      clientPort,
      clientUrl: `http://127.0.0.1:${clientPort}`,
      dir: path.join(instance.dataDir, "homeservers", homeserver.id),
    };
  });
}

/** Ports of the services beside the homeservers, as offsets from the instance's port base. */
const SERVICE_PORT_OFFSETS = {
  rtcAuth: 80,
  sfu: 81,
  directory: 82,
  web: 83,
  /** The local mail catcher: SMTP for the homeservers, HTTP for people and tests. */
  smtp: 84,
  mail: 85,
} as const;

export type LocalServiceName = keyof typeof SERVICE_PORT_OFFSETS;

export function servicePort(instance: LocalInstance, service: LocalServiceName): number {
  return instance.portBase + SERVICE_PORT_OFFSETS[service];
}

/** The RTC authorization service's URL for this instance (served by rtc/). */
export function localRtcAuthUrl(instance: LocalInstance): string {
  return `http://127.0.0.1:${servicePort(instance, "rtcAuth")}`;
}
