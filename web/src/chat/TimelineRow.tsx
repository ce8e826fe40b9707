import { memo } from "react";
import { useTranslation } from "react-i18next";
import { splitAgency } from "../core/agency.ts";
import type { MediaLoader } from "../media/media-loader.ts";
import type { RoomViewModel } from "../rooms/room-view-model.ts";
import type { MessageItem, TimelineItem } from "../timeline/timeline-model.ts";
import { isPending, type UtdReason } from "../timeline/utd-reason.ts";
import { MediaView } from "./MediaView.tsx";
import { MessageBody } from "./MessageBody.tsx";

const QUICK_REACTIONS = ["👍", "❤️", "😄", "🎉"];

/** Memoised: the view model keeps unchanged items' identity, so only changed rows render. */
export const TimelineRow = memo(function TimelineRow(props: {
  item: TimelineItem;
  vm: RoomViewModel;
  media: MediaLoader;
}) {
  const { item } = props;
  const { t, i18n } = useTranslation();
  if (item.kind === "day") {
    return (
      // A plain list item: role="separator" is not allowed as a direct child of a list.
      <li className="day">
        <time dateTime={localDate(item.ts)}>
          {new Date(item.ts).toLocaleDateString(i18n.language, {
            weekday: "long",
            day: "numeric",
            month: "long",
            year: "numeric",
          })}
        </time>
      </li>
    );
  }
  if (item.kind === "notice") {
    return (
      <li className="notice muted">
        {t(`notice.${item.what}`, {
          sender: splitAgency(item.senderName).name,
          target: splitAgency(item.target).name,
        })}
      </li>
    );
  }
  return <Message {...props} item={item} />;
});

function Message({
  item,
  vm,
  media,
}: {
  item: MessageItem;
  vm: RoomViewModel;
  media: MediaLoader;
}) {
  const { t, i18n } = useTranslation();
  const { name, agency } = splitAgency(item.senderName, item.sender);
  const time = new Date(item.ts).toLocaleTimeString(i18n.language, {
    hour: "2-digit",
    minute: "2-digit",
  });
  const sent = item.status === "sent";
  return (
    <li
      className={`message${item.mine ? " mine" : ""}${item.mentionsMe ? " mentions-me" : ""}`}
      data-event-id={item.id}
      data-status={item.status}
      tabIndex={0}
      aria-label={t("message.label", { name, time })}
    >
      <div className="meta">
        <span className="sender">{name}</span>
        {agency && <span className="agency">{agency}</span>}
        <time dateTime={new Date(item.ts).toISOString()}>{time}</time>
        {item.edited && <span className="edited">{t("message.edited")}</span>}
        {item.mentionsMe && <span className="mention-tag">{t("message.mentionsYou")}</span>}
      </div>
      {item.replyTo && (
        <blockquote className="reply-quote">
          <span className="sender">{splitAgency(item.replyTo.senderName).name}</span>
          <span className="reply-body">{item.replyTo.body || t("message.unavailable")}</span>
        </blockquote>
      )}
      {item.redacted ? (
        <p className="body muted redacted">{t("message.redacted")}</p>
      ) : item.undecryptable ? (
        <UndecryptableBody reason={item.utdReason ?? "unknown"} />
      ) : item.decrypting ? (
        <p className="body muted">{t("message.decrypting")}</p>
      ) : item.media ? (
        <MediaView media={item.media} loader={media} />
      ) : (
        <MessageBody item={item} />
      )}
      {item.reactions.length > 0 && (
        <div className="reactions">
          {item.reactions.map((r) => (
            <button
              key={r.key}
              type="button"
              className="reaction"
              aria-pressed={!!r.mine}
              aria-label={t("message.reactionCount", { key: r.key, count: r.count })}
              onClick={() => void vm.toggleReaction(item.id, r.key)}
            >
              {r.key} {r.count}
            </button>
          ))}
        </div>
      )}
      {item.status === "failed" && (
        <div className="failed" role="alert">
          {t("message.failed")}{" "}
          <button type="button" onClick={() => vm.retry(item.id)}>
            {t("message.retry")}
          </button>
          <button type="button" onClick={() => vm.discard(item.id)}>
            {t("message.discard")}
          </button>
        </div>
      )}
      {item.status === "sending" && <span className="sending muted">{t("message.sending")}</span>}
      {item.readBy.length > 0 && (
        <div className="read-by muted">
          {t("message.readBy", { names: item.readBy.join(", ") })}
        </div>
      )}
      {sent && !item.redacted && !item.undecryptable && (
        <div className="message-actions">
          <button type="button" onClick={() => vm.startReply(item)}>
            {t("message.reply")}
          </button>
          {item.mine && !item.media && (
            <button type="button" onClick={() => vm.startEdit(item)}>
              {t("message.edit")}
            </button>
          )}
          {QUICK_REACTIONS.map((k) => (
            <button
              key={k}
              type="button"
              aria-label={t("message.react", { key: k })}
              onClick={() => void vm.toggleReaction(item.id, k)}
            >
              {k}
            </button>
          ))}
          {item.mine && (
            <button
              type="button"
              onClick={() => {
                if (window.confirm(t("message.deleteConfirm"))) void vm.redact(item.id);
              }}
            >
              {t("message.delete")}
            </button>
          )}
        </div>
      )}
    </li>
  );
}

/**
 * Says why, in plain words. A message still waiting for its key is shown calmly (it replaces
 * itself when the key arrives) but stays `data-utd`: right now it cannot be read.
 */
function UndecryptableBody({ reason }: { reason: UtdReason }) {
  const { t } = useTranslation();
  const pending = isPending(reason);
  return (
    <p
      className={pending ? "body utd utd-pending" : "body utd"}
      data-utd="true"
      data-utd-reason={reason}
    >
      {t(`utd.${reason}`)}
    </p>
  );
}

/** YYYY-MM-DD of the local day (the separator's own day, not UTC's). */
function localDate(ts: number): string {
  const d = new Date(ts);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}
