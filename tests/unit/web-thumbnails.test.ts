import { describe, expect, it } from "vitest";
import { previewOf } from "../../web/src/media/image-source.ts";
import { displaySize, thumbnailSize } from "../../web/src/media/thumbnail-size.ts";
import { buildTimeline, type MessageItem } from "../../web/src/timeline/timeline-model.ts";

describe("thumbnail size", () => {
  it("fits large images within 800×600, keeping the aspect ratio", () => {
    expect(thumbnailSize({ width: 1600, height: 1200 })).toEqual({ width: 800, height: 600 });
    expect(thumbnailSize({ width: 4000, height: 1000 })).toEqual({ width: 800, height: 200 });
    expect(thumbnailSize({ width: 1000, height: 3000 })).toEqual({ width: 200, height: 600 });
    expect(thumbnailSize({ width: 801, height: 10 })).toEqual({ width: 800, height: 10 });
  });
  it("never rounds a side down to nothing, nor above the bound", () => {
    expect(thumbnailSize({ width: 100_000, height: 1 })).toEqual({ width: 800, height: 1 });
    const s = thumbnailSize({ width: 1601, height: 1201 })!;
    expect(s.width).toBeLessThanOrEqual(800);
    expect(s.height).toBeLessThanOrEqual(600);
  });
  it("makes none for images already within the bound or without a size", () => {
    expect(thumbnailSize({ width: 800, height: 600 })).toBeNull();
    expect(thumbnailSize({ width: 40, height: 30 })).toBeNull();
    expect(thumbnailSize({ width: 0, height: 30 })).toBeNull();
    expect(thumbnailSize({ width: Number.NaN, height: 30 })).toBeNull();
  });
  it("lays images out at most 360 px wide in the timeline", () => {
    expect(displaySize({ width: 1600, height: 1200 }, 360)).toEqual({ width: 360, height: 270 });
    expect(displaySize({ width: 40, height: 30 }, 360)).toEqual({ width: 40, height: 30 });
    expect(displaySize({}, 360)).toBeNull();
  });
});

function imageItem(info: Record<string, unknown>, encrypted: boolean): MessageItem {
  const content = {
    msgtype: "m.image",
    body: "plan.png",
    info,
    ...(encrypted ? { file: { url: "mxc://s/full", v: "v2" } } : { url: "mxc://s/full" }),
  };
  const [item] = buildTimeline({
    events: [
      {
        id: "$1",
        type: "m.room.message",
        sender: "@a:s",
        senderName: "A",
        ts: 1,
        content,
        status: "sent",
        redacted: false,
        undecryptable: false,
        decrypting: false,
      },
    ],
    myUserId: "@me:s",
  }).filter((i) => i.kind === "message") as MessageItem[];
  return item!;
}

describe("which preview an image shows", () => {
  const thumbInfo = { w: 800, h: 600, mimetype: "image/jpeg", size: 1234 };
  it("takes the sender's encrypted thumbnail in encrypted rooms", () => {
    const item = imageItem(
      {
        w: 1600,
        h: 1200,
        thumbnail_info: thumbInfo,
        thumbnail_file: { url: "mxc://s/t", v: "v2" },
      },
      true,
    );
    expect(item.media?.thumbnail).toMatchObject({ mxc: "mxc://s/t", width: 800, height: 600 });
    expect(previewOf(item.media!)).toMatchObject({
      source: "thumbnail_file",
      mxc: "mxc://s/t",
      mimetype: "image/jpeg",
      serverThumbnail: false,
    });
  });
  it("takes the sender's clear thumbnail in plain rooms", () => {
    const item = imageItem({ thumbnail_info: thumbInfo, thumbnail_url: "mxc://s/t" }, false);
    expect(previewOf(item.media!)).toMatchObject({ source: "thumbnail_url", mxc: "mxc://s/t" });
  });
  it("without one: the server's thumbnailer for clear files, the file itself when encrypted", () => {
    expect(previewOf(imageItem({ mimetype: "image/png" }, false).media!)).toMatchObject({
      source: "server",
      mxc: "mxc://s/full",
      serverThumbnail: true,
    });
    expect(previewOf(imageItem({ mimetype: "image/png" }, true).media!)).toMatchObject({
      source: "file",
      mxc: "mxc://s/full",
      mimetype: "image/png",
      serverThumbnail: false,
    });
  });
  it("ignores a thumbnail that is not an mxc URI", () => {
    const item = imageItem({ thumbnail_url: "https://evil.example/t.png" }, false);
    expect(item.media?.thumbnail).toBeUndefined();
    expect(previewOf(item.media!).source).toBe("server");
  });
});
