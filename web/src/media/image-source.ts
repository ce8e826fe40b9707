import type { MediaInfo } from "../timeline/timeline-model.ts";

/** Where the timeline's preview of an image comes from, in order of preference. */
export type PreviewSource =
  /** The sender's encrypted thumbnail (encrypted rooms). */
  | "thumbnail_file"
  /** The sender's thumbnail in clear (plain rooms). */
  | "thumbnail_url"
  /** The server's thumbnailer, authenticated endpoint (plain rooms, no sender thumbnail). */
  | "server"
  /** The full file (encrypted rooms without a thumbnail: the server cannot scale it). */
  | "file";

export interface Preview {
  source: PreviewSource;
  mxc: string;
  encryptedFile?: Record<string, unknown>;
  mimetype?: string;
  /** Ask the server for a scaled copy. */
  serverThumbnail: boolean;
}

export function previewOf(media: MediaInfo): Preview {
  const t = media.thumbnail;
  const mimetype = t ? (t.mimetype ?? "image/jpeg") : media.mimetype;
  if (t?.encryptedFile) {
    return {
      source: "thumbnail_file",
      mxc: t.mxc,
      encryptedFile: t.encryptedFile,
      serverThumbnail: false,
      ...(mimetype ? { mimetype } : {}),
    };
  }
  if (t)
    return { source: "thumbnail_url", mxc: t.mxc, serverThumbnail: false, mimetype: mimetype! };
  if (media.encryptedFile) {
    return {
      source: "file",
      mxc: media.mxc,
      encryptedFile: media.encryptedFile,
      serverThumbnail: false,
      ...(mimetype ? { mimetype } : {}),
    };
  }
  return {
    source: "server",
    mxc: media.mxc,
    serverThumbnail: true,
    ...(mimetype ? { mimetype } : {}),
  };
}
