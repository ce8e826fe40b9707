/**
 * Writes the production RTC files into `<out>/rtc/`: `livekit.yaml` (reviewable),
 * `livekit-keys.yaml` (0600, generated once and kept), `rtc-auth.env`.
 */
import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Federation } from "../../homeserver-config/src/model.ts";
import type { RtcDeployment } from "./deployment-schema.ts";
import { authServiceEnv, liveKitKeyFile, liveKitYaml } from "./livekit-config.ts";

export interface WrittenRtcProduction {
  dir: string;
  livekitConfig: string;
  keyFile: string;
  authEnv: string;
  /** What Synapse advertises as the MatrixRTC transport (federation.yaml). */
  rtcAuthServiceUrl: string;
}

export function rtcProductionFiles(outDir: string) {
  const dir = path.resolve(outDir, "rtc");
  return {
    dir,
    livekitConfig: path.join(dir, "livekit.yaml"),
    keyFile: path.join(dir, "livekit-keys.yaml"),
    authEnv: path.join(dir, "rtc-auth.env"),
  };
}

export async function writeRtcProductionConfigs(
  federation: Federation,
  deployment: RtcDeployment,
  deploymentFile: string,
  outDir: string,
): Promise<WrittenRtcProduction> {
  const rtcAuthServiceUrl = federation.production?.rtcAuthServiceUrl;
  if (!rtcAuthServiceUrl) {
    throw new Error("federation.yaml has no production.rtcAuthServiceUrl for Synapse to advertise");
  }
  const files = rtcProductionFiles(outDir);
  await mkdir(files.dir, { recursive: true });
  await writeFile(files.livekitConfig, liveKitYaml(deployment, path.basename(deploymentFile)));
  const fresh = liveKitKeyFile(
    `API${randomBytes(6).toString("hex")}`,
    randomBytes(32).toString("base64url"),
  );
  // Kept across renders: rotating it would cut every call in progress.
  await writeFile(files.keyFile, fresh, { mode: 0o600, flag: "wx" }).catch(
    (e: NodeJS.ErrnoException) => {
      if (e.code !== "EEXIST") throw e;
    },
  );
  if (!/^[^:\s]+: \S{32,}\n?$/.test(await readFile(files.keyFile, "utf8"))) {
    throw new Error(
      `${files.keyFile} is not "<key>: <secret of 32+ characters>"; delete it to generate one`,
    );
  }
  await writeFile(files.authEnv, authServiceEnv(deployment));
  return { ...files, rtcAuthServiceUrl };
}
