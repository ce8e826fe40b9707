/**
 * The RTC part of the local stack: the embedded SFU and the MatrixRTC authorization service in
 * front of it, on the instance's `sfu` and `rtcAuth` ports (the URL Synapse already advertises
 * in `matrix_rtc` and `/.well-known/matrix/client`). Both log to files in `<dataDir>/rtc/`.
 */
import { createWriteStream, type WriteStream } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { servicePort } from "../../homeserver-config/src/local/instance.ts";
import { localFiles } from "../../homeserver-config/src/render/synapse-local.ts";
import type {
  StackService,
  StackServiceContext,
} from "../../homeserver-config/src/stack/service.ts";
import type { StackHomeserver } from "../../homeserver-config/src/stack/stack-description.ts";
import { startAuthService } from "../auth/service.ts";
import { startSfu } from "../sfu/index.ts";
import { ensureLiveKitKeys } from "./livekit-keys.ts";

/**
 * UDP ports for the SFU's peer connections (one per connection, two per participant). Each
 * instance owns 200 ports from its base; TCP services use +0…+99, so +100…+199 is free.
 */
export function sfuUdpRange(portBase: number): { min: number; max: number } {
  return { min: portBase + 100, max: portBase + 199 };
}

export function rtcLogFiles(dataDir: string) {
  return {
    auth: path.join(dataDir, "rtc", "rtc-auth.log"),
    sfu: path.join(dataDir, "rtc", "sfu.log"),
  };
}

/** `serverName → IP` of the homeservers' federation listeners, as Synapse's own hosts file. */
export function localHosts(homeservers: StackHomeserver[]): Record<string, string> {
  return Object.fromEntries(
    homeservers.map((hs) => [hs.serverName, hs.federationAddress.replace(/:\d+$/, "")]),
  );
}

function fileLog(file: string): { log: (line: string) => void; stream: WriteStream } {
  const stream = createWriteStream(file, { flags: "a", mode: 0o600 });
  return {
    stream,
    log: (line) => stream.write(`${new Date().toISOString()} ${line}\n`),
  };
}

export function rtcStackService(): StackService {
  return {
    name: "rtc (SFU + MatrixRTC authorization)",
    async start(ctx: StackServiceContext) {
      const { instance, stack } = ctx;
      const keys = await ensureLiveKitKeys(instance.dataDir);
      const logs = rtcLogFiles(instance.dataDir);
      const sfuLog = fileLog(logs.sfu);
      const authLog = fileLog(logs.auth);
      const udp = sfuUdpRange(instance.portBase);

      const sfu = await startSfu({
        host: "127.0.0.1",
        port: servicePort(instance, "sfu"),
        apiKey: keys.apiKey,
        apiSecret: keys.apiSecret,
        udpPortMin: udp.min,
        udpPortMax: udp.max,
        announcedIp: "127.0.0.1",
        // As production LiveKit: only the authorization service creates rooms.
        autoCreate: false,
        log: sfuLog.log,
      });
      let auth;
      try {
        // Each homeserver's self-signed certificate is trusted as its own root, so federation
        // TLS stays verified (chain and name) even on loopback.
        const certificates = await Promise.all(
          stack.homeservers.map((hs) => readFile(localFiles(hs.dir).tlsCert, "utf8")),
        );
        auth = await startAuthService({
          host: "127.0.0.1",
          port: servicePort(instance, "rtcAuth"),
          livekit: { url: sfu.url, apiUrl: sfu.httpUrl, ...keys },
          federation: stack.homeservers.map((hs) => ({
            serverName: hs.serverName,
            homeserverId: hs.id,
            external: hs.external,
          })),
          discovery: {
            tls: { verify: true, ca: certificates },
            hosts: localHosts(stack.homeservers),
          },
          log: authLog.log,
        });
      } catch (e) {
        await sfu.stop();
        throw e;
      }
      ctx.log(`SFU ${sfu.url} (UDP ${udp.min}-${udp.max}), MatrixRTC authorization ${auth.url}`);
      ctx.log(`RTC logs: ${logs.auth}, ${logs.sfu}`);
      return {
        urls: { rtcAuth: auth.url, sfu: sfu.url },
        async stop() {
          await auth.stop();
          await sfu.stop();
          await Promise.all(
            [authLog.stream, sfuLog.stream].map(
              (s) => new Promise<void>((resolve) => s.end(() => resolve())),
            ),
          );
        },
      };
    },
  };
}
