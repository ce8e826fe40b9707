import { useMemo } from "react";
import { sanitizeMessageHtml } from "../timeline/sanitize.ts";
import type { MessageItem } from "../timeline/timeline-model.ts";

/** Others' HTML only after the allow-list sanitizer; otherwise plain text. */
export function MessageBody({ item }: { item: MessageItem }) {
  const html = useMemo(() => (item.html ? sanitizeMessageHtml(item.html) : null), [item.html]);
  const className = `body${item.msgtype === "m.notice" ? " notice-msg" : ""}${item.msgtype === "m.emote" ? " emote" : ""}`;
  if (html !== null)
    return <div className={`${className} html`} dangerouslySetInnerHTML={{ __html: html }} />;
  return <p className={className}>{item.body}</p>;
}
