import { execFile } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { access, mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import type { AppserviceTokens } from "./render/appservice.ts";
import type { HomeserverSecrets } from "./render/synapse-common.ts";

const run = promisify(execFile);

/** Everything secret a homeserver keeps; generated on first use, never rotated by a re-render. */
export interface StoredSecrets extends HomeserverSecrets {
  adminPassword: string;
  appservice: AppserviceTokens;
}

async function exists(p: string): Promise<boolean> {
  return access(p).then(
    () => true,
    () => false,
  );
}

function token(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}

/** Writes `content` only when `file` is absent, with owner-only permissions. */
async function writeOnce(file: string, content: () => string): Promise<void> {
  if (await exists(file)) return;
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, content(), { mode: 0o600, flag: "wx" });
}

/** A Synapse signing key line: `ed25519 <key id> <unpadded base64 seed>`. */
export function newSigningKey(): string {
  const { privateKey } = generateKeyPairSync("ed25519");
  const der = privateKey.export({ format: "der", type: "pkcs8" });
  const seed = der
    .subarray(der.length - 32)
    .toString("base64")
    .replace(/=+$/, "");
  return `ed25519 a_${randomBytes(3).toString("hex")} ${seed}\n`;
}

export async function ensureSigningKey(file: string): Promise<void> {
  await writeOnce(file, newSigningKey);
}

export async function ensureSecrets(file: string): Promise<StoredSecrets> {
  await writeOnce(file, () =>
    JSON.stringify(
      {
        macaroonSecretKey: token(),
        formSecret: token(),
        registrationSharedSecret: token(),
        adminPassword: token(18),
        appservice: { asToken: token(), hsToken: token() },
      } satisfies StoredSecrets,
      null,
      2,
    ),
  );
  return JSON.parse(await readFile(file, "utf8")) as StoredSecrets;
}

/** A self-signed certificate for federation on loopback (local profile only). */
export async function ensureSelfSignedCert(
  certFile: string,
  keyFile: string,
  serverName: string,
  /** An IP address the certificate also names (the address a loopback Synapse listens on). */
  address?: string,
): Promise<void> {
  if ((await exists(certFile)) && (await exists(keyFile))) return;
  await mkdir(path.dirname(certFile), { recursive: true });
  await run("openssl", [
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:prime256v1",
    "-nodes",
    "-days",
    "3650",
    "-subj",
    `/CN=${serverName}`,
    "-addext",
    `subjectAltName=DNS:${serverName}${address ? `,IP:${address}` : ""}`,
    "-keyout",
    keyFile,
    "-out",
    certFile,
  ]);
}
