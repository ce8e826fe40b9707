/** The instance's LiveKit API key and secret: generated once, kept owner-only, never logged. */
import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";

export interface LiveKitKeys {
  apiKey: string;
  apiSecret: string;
}

export function livekitKeysFile(dataDir: string): string {
  return path.join(dataDir, "rtc", "livekit-keys.json");
}

export async function ensureLiveKitKeys(dataDir: string): Promise<LiveKitKeys> {
  const file = livekitKeysFile(dataDir);
  await mkdir(path.dirname(file), { recursive: true });
  const fresh: LiveKitKeys = {
    apiKey: `API${randomBytes(6).toString("hex")}`,
    apiSecret: randomBytes(32).toString("base64url"),
  };
  // "wx": a second start keeps the first keys (tokens already handed out stay valid).
  await writeFile(file, JSON.stringify(fresh, null, 2), { mode: 0o600, flag: "wx" }).catch(
    (e: NodeJS.ErrnoException) => {
      if (e.code !== "EEXIST") throw e;
    },
  );
  const stored = JSON.parse(await readFile(file, "utf8")) as Partial<LiveKitKeys>;
  if (!stored.apiKey || !stored.apiSecret || stored.apiSecret.length < 32) {
    throw new Error(`${file} is damaged: delete it to generate new LiveKit keys`);
  }
  return { apiKey: stored.apiKey, apiSecret: stored.apiSecret };
}
