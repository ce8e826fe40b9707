/**
 * Thumbnail sizing, pure: the largest size within the bound that keeps the aspect ratio.
 * Images already within the bound get no thumbnail (the file itself is small enough to show).
 */
export interface Size {
  width: number;
  height: number;
}

/** What the timeline shows at most; also what we ask the server's thumbnailer for. */
export const THUMBNAIL_BOUND: Size = { width: 800, height: 600 };

export function thumbnailSize(image: Size, bound: Size = THUMBNAIL_BOUND): Size | null {
  const { width, height } = image;
  if (!(width > 0 && height > 0)) return null;
  if (width <= bound.width && height <= bound.height) return null;
  const scale = Math.min(bound.width / width, bound.height / height);
  return {
    width: Math.max(1, Math.min(bound.width, Math.round(width * scale))),
    height: Math.max(1, Math.min(bound.height, Math.round(height * scale))),
  };
}

/** The size to lay an image out at in the timeline: at most `maxWidth` wide, aspect kept. */
export function displaySize(image: Partial<Size>, maxWidth: number): Size | null {
  if (!image.width || !image.height) return null;
  const width = Math.min(maxWidth, image.width);
  return { width, height: Math.round((width / image.width) * image.height) };
}
