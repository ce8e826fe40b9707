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

export function markdownToContent(text: string): TextContent {
  const body = text.trim();
  const mentioned = mentionedUserIds(body);
  const mentions = mentioned.length > 0 ? { "m.mentions": { user_ids: mentioned } } : {};
  return { ...toFormatted(body), ...mentions };
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
