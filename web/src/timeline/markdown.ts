import { Marked } from "marked";

/**
 * Composer text → Matrix message content. Markdown (CommonMark + GFM, single newlines kept as
 * line breaks) becomes `formatted_body`; plain text stays plain. Raw HTML typed by the user is
 * shown as text, never interpreted.
 */
const marked = new Marked({ gfm: true, breaks: true, async: false });
marked.use({
  renderer: {
    html({ text }) {
      return escapeHtml(text);
    },
  },
});

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

export interface TextContent {
  msgtype: "m.text";
  body: string;
  format?: "org.matrix.custom.html";
  formatted_body?: string;
  /** Intentional mentions (MSC3952): who is named by Matrix ID, so their client highlights it. */
  "m.mentions"?: { user_ids: string[] };
}

const MXID = /(?:^|[\s(])(@[a-z0-9._=\-/+]+:[a-z0-9.-]+(?::\d+)?)/gi;

/** Matrix IDs typed in the text, once each, in order. */
export function mentionedUserIds(text: string): string[] {
  return [...new Set([...text.matchAll(MXID)].map((m) => m[1]!.replace(/[.]+$/, "")))];
}

/**
 * `mentions`: people chosen by display name in the composer. Their name in the text becomes a
 * `https://matrix.to/#/<userId>` link in `formatted_body` (how Matrix clients show pills) and
 * their id goes in `m.mentions.user_ids`, which makes their client highlight the message.
 */
export function markdownToContent(
  text: string,
  mentions: readonly { userId: string; name: string }[] = [],
): TextContent {
  const body = text.trim();
  const named = mentions.filter((m) => m.name && body.includes(m.name));
  const mentioned = [...new Set([...named.map((m) => m.userId), ...mentionedUserIds(body)])];
  const extra = mentioned.length > 0 ? { "m.mentions": { user_ids: mentioned } } : {};
  const content = toFormatted(body);
  if (named.length === 0) return { ...content, ...extra };
  let html = content.formatted_body ?? escapeHtml(body).replace(/\n/g, "<br>");
  for (const m of named) html = linkName(html, m.name, m.userId);
  return {
    msgtype: "m.text",
    body,
    format: "org.matrix.custom.html",
    formatted_body: html,
    ...extra,
  };
}

/** Links the first occurrence of `name` in text (not inside a tag nor an existing link). */
function linkName(html: string, name: string, userId: string): string {
  const needle = escapeHtml(name);
  const link = `<a href="https://matrix.to/#/${escapeHtml(userId)}">${needle}</a>`;
  let depth = 0;
  // Split into tags and text; only text outside <a> is searched.
  const parts = html.split(/(<[^>]+>)/);
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (part.startsWith("<")) {
      if (/^<a[\s>]/i.test(part)) depth++;
      else if (/^<\/a>/i.test(part)) depth--;
      continue;
    }
    const at = depth === 0 ? part.indexOf(needle) : -1;
    if (at >= 0) {
      parts[i] = part.slice(0, at) + link + part.slice(at + needle.length);
      return parts.join("");
    }
  }
  return html;
}

function toFormatted(body: string): TextContent {
  const html = (marked.parse(body) as string).trim();
  // A single plain paragraph needs no HTML.
  const plain = `<p>${escapeHtml(body).replace(/\n/g, "<br>")}</p>`;
  if (html === plain || html === `<p>${escapeHtml(body)}</p>`) return { msgtype: "m.text", body };
  const unwrapped = /^<p>(?:(?!<p>)[\s\S])*<\/p>$/.test(html) ? html.slice(3, -4) : html;
  return {
    msgtype: "m.text",
    body,
    format: "org.matrix.custom.html",
    formatted_body: unwrapped,
  };
}
