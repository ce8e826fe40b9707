import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import type { MediaLoader } from "../media/media-loader.ts";
import type { MediaInfo } from "../timeline/timeline-model.ts";

function formatSize(bytes: number | undefined): string {
  if (bytes === undefined) return "";
  if (bytes < 1024) return `${bytes} o`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} Ko`;
  return `${(bytes / 1024 / 1024).toFixed(1)} Mo`;
}

export function MediaView({ media, loader }: { media: MediaInfo; loader: MediaLoader }) {
  const { t } = useTranslation();
  const [url, setUrl] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  const isImage = media.kind === "image";

  useEffect(() => {
    if (!isImage) return;
    let live = true;
    loader
      .objectUrl(media.mxc, {
        ...(media.encryptedFile ? { encryptedFile: media.encryptedFile } : {}),
        ...(media.mimetype ? { mimetype: media.mimetype } : {}),
        thumbnail: true,
      })
      .then(
        (u) => live && setUrl(u),
        () => live && setFailed(true),
      );
    return () => {
      live = false;
    };
  }, [isImage, loader, media]);

  const download = async () => {
    try {
      const u = await loader.objectUrl(media.mxc, {
        ...(media.encryptedFile ? { encryptedFile: media.encryptedFile } : {}),
        ...(media.mimetype ? { mimetype: media.mimetype } : {}),
      });
      const a = document.createElement("a");
      a.href = u;
      a.download = media.name || "fichier";
      a.click();
    } catch {
      setFailed(true);
    }
  };

  const w = media.width && media.height ? Math.min(360, media.width) : undefined;
  const h =
    w && media.width && media.height ? Math.round((w / media.width) * media.height) : undefined;
  return (
    <div className="media">
      {isImage &&
        (url ? (
          <img src={url} alt={media.name} width={w} height={h} className="thumb" />
        ) : (
          <div
            className="thumb placeholder"
            style={{ width: w ?? 200, height: h ?? 120 }}
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
    </div>
  );
}
