import { decryptAttachment } from "./attachment-crypto.ts";
import { THUMBNAIL_BOUND } from "./thumbnail-size.ts";

/**
 * Downloads media through the authenticated endpoints (`/_matrix/client/v1/media/…`, which
 * Synapse requires), decrypts encrypted files, and hands out object URLs. One loader per
 * session; `dispose()` revokes every URL.
 */
export class MediaLoader {
  private cache = new Map<string, Promise<string>>();

  constructor(
    private readonly baseUrl: string,
    private readonly accessToken: () => string,
  ) {}

  private mediaPath(mxc: string): string {
    const m = /^mxc:\/\/([^/]+)\/([^/?#]+)$/.exec(mxc);
    if (!m) throw new Error(`not an mxc URI: ${mxc}`);
    return `${encodeURIComponent(m[1]!)}/${encodeURIComponent(m[2]!)}`;
  }

  private async fetchBytes(url: string): Promise<Blob> {
    const res = await fetch(url, { headers: { Authorization: `Bearer ${this.accessToken()}` } });
    if (!res.ok) throw new Error(`media: HTTP ${res.status}`);
    return res.blob();
  }

  /** A URL for `<img>`/download. `thumbnail` asks the server for a scaled copy (clear files). */
  objectUrl(
    mxc: string,
    opts: { encryptedFile?: Record<string, unknown>; mimetype?: string; thumbnail?: boolean } = {},
  ): Promise<string> {
    const key = `${mxc}|${opts.thumbnail && !opts.encryptedFile ? "t" : "f"}`;
    let p = this.cache.get(key);
    if (!p) {
      p = this.load(mxc, opts);
      this.cache.set(key, p);
      p.catch(() => this.cache.delete(key));
    }
    return p;
  }

  private async load(
    mxc: string,
    opts: { encryptedFile?: Record<string, unknown>; mimetype?: string; thumbnail?: boolean },
  ): Promise<string> {
    const path = this.mediaPath(mxc);
    if (opts.encryptedFile) {
      const cipher = await this.fetchBytes(
        `${this.baseUrl}/_matrix/client/v1/media/download/${path}`,
      );
      const plain = await decryptAttachment(await cipher.arrayBuffer(), opts.encryptedFile);
      return URL.createObjectURL(
        new Blob([plain], { type: opts.mimetype ?? "application/octet-stream" }),
      );
    }
    const url = opts.thumbnail
      ? `${this.baseUrl}/_matrix/client/v1/media/thumbnail/${path}?width=${THUMBNAIL_BOUND.width}&height=${THUMBNAIL_BOUND.height}&method=scale`
      : `${this.baseUrl}/_matrix/client/v1/media/download/${path}`;
    return URL.createObjectURL(await this.fetchBytes(url));
  }

  dispose(): void {
    for (const p of this.cache.values())
      void p.then(
        (u) => URL.revokeObjectURL(u),
        () => undefined,
      );
    this.cache.clear();
  }
}
