import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { previewOf } from "../media/image-source.ts";
import type { MediaLoader } from "../media/media-loader.ts";
import { displaySize } from "../media/thumbnail-size.ts";
import type { MediaInfo } from "../timeline/timeline-model.ts";
import { Dialog } from "./Dialog.tsx";

function formatSize(bytes: number | undefined): string {
  if (bytes === undefined) return "";
  if (bytes < 1024) return `${bytes} o`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} Ko`;
  return `${(bytes / 1024 / 1024).toFixed(1)} Mo`;
}

const fullFile = (media: MediaInfo) => ({
  ...(media.encryptedFile ? { encryptedFile: media.encryptedFile } : {}),
  ...(media.mimetype ? { mimetype: media.mimetype } : {}),
});

/**
 * A file or an image of the timeline. Images show their thumbnail (the sender's, else the
 * server's for clear files, else the file itself); activating it opens the full image.
 */
export function MediaView({ media, loader }: { media: MediaInfo; loader: MediaLoader }) {
  const { t } = useTranslation();
  const [url, setUrl] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  const [viewing, setViewing] = useState(false);
  const isImage = media.kind === "image";
  const preview = isImage ? previewOf(media) : null;

  useEffect(() => {
    if (!preview) return;
    let live = true;
    loader
      .objectUrl(preview.mxc, {
        ...(preview.encryptedFile ? { encryptedFile: preview.encryptedFile } : {}),
        ...(preview.mimetype ? { mimetype: preview.mimetype } : {}),
        thumbnail: preview.serverThumbnail,
      })
      .then(
        (u) => live && setUrl(u),
        () => live && setFailed(true),
      );
    return () => {
      live = false;
    };
    // `preview` is derived from `media`, which is what changes.
  }, [loader, media]);

  const download = async () => {
    try {
      const u = await loader.objectUrl(media.mxc, fullFile(media));
      const a = document.createElement("a");
      a.href = u;
      a.download = media.name || "fichier";
      a.click();
    } catch {
      setFailed(true);
    }
  };

  const size = displaySize({ width: media.width, height: media.height }, 360);
  return (
    <div className="media">
      {isImage &&
        (url ? (
          <button
            type="button"
            className="thumb-button"
            onClick={() => setViewing(true)}
            aria-label={t("media.open", { name: media.name })}
          >
            <img
              src={url}
              alt={media.name}
              width={size?.width}
              height={size?.height}
              className="thumb"
              data-preview={preview?.source}
            />
          </button>
        ) : (
          <div
            className="thumb placeholder"
            style={{ width: size?.width ?? 200, height: size?.height ?? 120 }}
            aria-hidden="true"
          />
        ))}
      <div className="file-row">
        <span className="file-name">{media.name}</span>
        <span className="muted">{formatSize(media.size)}</span>
        <button
          type="button"
          onClick={() => void download()}
          aria-label={t("media.download", { name: media.name })}
        >
          {t("media.downloadShort")}
        </button>
      </div>
      {failed && <p className="error">{t("media.failed")}</p>}
      {viewing && <FullImage media={media} loader={loader} onClose={() => setViewing(false)} />}
    </div>
  );
}

function FullImage(props: { media: MediaInfo; loader: MediaLoader; onClose: () => void }) {
  const { t } = useTranslation();
  const [url, setUrl] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let live = true;
    props.loader.objectUrl(props.media.mxc, fullFile(props.media)).then(
      (u) => live && setUrl(u),
      () => live && setFailed(true),
    );
    return () => {
      live = false;
    };
  }, [props.loader, props.media]);
  return (
    <Dialog title={props.media.name} onClose={props.onClose}>
      <div className="full-image">
        {url ? (
          <img src={url} alt={props.media.name} className="full" />
        ) : failed ? (
          <p className="error">{t("media.failed")}</p>
        ) : (
          <p className="muted">{t("media.loading")}</p>
        )}
      </div>
    </Dialog>
  );
}
