/**
 * Encrypted attachments as the Matrix spec defines them (AES-CTR-256, SHA-256 of the
 * ciphertext, unpadded base64), with WebCrypto. Files in encrypted rooms never reach the
 * homeserver in clear.
 */
export interface EncryptedFileInfo {
  v: "v2";
  key: JsonWebKey;
  iv: string;
  hashes: { sha256: string };
}

function toBase64(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/=+$/, "");
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const normal = text.replace(/-/g, "+").replace(/_/g, "/");
  const bin = atob(normal + "=".repeat((4 - (normal.length % 4)) % 4));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export async function encryptAttachment(
  plain: ArrayBuffer,
): Promise<{ data: ArrayBuffer; info: EncryptedFileInfo }> {
  const iv = new Uint8Array(16);
  // The low 8 bytes are the block counter and start at zero.
  crypto.getRandomValues(iv.subarray(0, 8));
  const key = await crypto.subtle.generateKey({ name: "AES-CTR", length: 256 }, true, [
    "encrypt",
    "decrypt",
  ]);
  const data = await crypto.subtle.encrypt(
    { name: "AES-CTR", counter: iv, length: 64 },
    key,
    plain,
  );
  const jwk = await crypto.subtle.exportKey("jwk", key);
  const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", data));
  return {
    data,
    info: {
      v: "v2",
      key: { kty: "oct", alg: "A256CTR", ext: true, k: jwk.k!, key_ops: ["encrypt", "decrypt"] },
      iv: toBase64(iv),
      hashes: { sha256: toBase64(hash) },
    },
  };
}

export async function decryptAttachment(
  cipher: ArrayBuffer,
  info: { key?: JsonWebKey; iv?: string; hashes?: { sha256?: string } },
): Promise<ArrayBuffer> {
  if (!info.key || !info.iv || !info.hashes?.sha256) throw new Error("incomplete EncryptedFile");
  const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", cipher));
  if (toBase64(hash) !== info.hashes.sha256.replace(/=+$/, "")) {
    throw new Error("attachment hash mismatch");
  }
  const key = await crypto.subtle.importKey(
    "jwk",
    { ...info.key, key_ops: ["encrypt", "decrypt"] },
    { name: "AES-CTR" },
    false,
    ["decrypt"],
  );
  return crypto.subtle.decrypt(
    { name: "AES-CTR", counter: fromBase64(info.iv), length: 64 },
    key,
    cipher,
  );
}
