import { thumbnailSize, type Size } from "./thumbnail-size.ts";

export interface ImageFacts {
  size: Size;
  /** Present when the image is larger than the thumbnail bound. */
  thumbnail: { blob: Blob; size: Size } | null;
}

/**
 * Reads an image's size and, when it is larger than the bound, draws a scaled JPEG copy in the
 * browser (createImageBitmap + canvas): encrypted rooms cannot use the server's thumbnailer.
 * Null when the browser cannot decode the file (then it is sent as a plain file).
 */
export async function readImage(file: Blob): Promise<ImageFacts | null> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    return null;
  }
  try {
    const size = { width: bitmap.width, height: bitmap.height };
    const target = thumbnailSize(size);
    if (!target) return { size, thumbnail: null };
    const canvas = new OffscreenCanvas(target.width, target.height);
    const ctx = canvas.getContext("2d");
    if (!ctx) return { size, thumbnail: null };
    // JPEG has no transparency: transparent pixels become white rather than black.
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, target.width, target.height);
    ctx.imageSmoothingQuality = "high";
    ctx.drawImage(bitmap, 0, 0, target.width, target.height);
    const blob = await canvas.convertToBlob({ type: "image/jpeg", quality: 0.82 });
    return { size, thumbnail: { blob, size: target } };
  } finally {
    bitmap.close();
  }
}
