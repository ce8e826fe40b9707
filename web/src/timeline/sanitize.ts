import DOMPurify from "dompurify";

/**
 * Allow-list sanitizer for other people's `formatted_body` (the Matrix spec's suggested tags
 * and attributes, tightened): no scripts, no event handlers, no styles, no classes or ids (so a
 * message cannot borrow our layout), links only to http(s)/mailto and opened safely, inline
 * images dropped (mxc images would need authenticated fetches; an image is sent as a file).
 */
const ALLOWED_TAGS = [
  "font",
  "del",
  "s",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "blockquote",
  "p",
  "a",
  "ul",
  "ol",
  "sup",
  "sub",
  "li",
  "b",
  "i",
  "u",
  "strong",
  "em",
  "code",
  "hr",
  "br",
  "div",
  "table",
  "thead",
  "tbody",
  "tr",
  "th",
  "td",
  "caption",
  "pre",
  "span",
  "details",
  "summary",
];
const ALLOWED_ATTR = [
  "href",
  "data-mx-color",
  "data-mx-bg-color",
  "color",
  "start",
  "colspan",
  "rowspan",
];
const SAFE_URL = /^(?:https?:|mailto:)/i;
const COLOR = /^#[0-9a-f]{6}$/i;

let hooked = false;
function installHooks(): void {
  if (hooked) return;
  hooked = true;
  DOMPurify.addHook("afterSanitizeAttributes", (node) => {
    if (node.tagName === "A") {
      const href = node.getAttribute("href") ?? "";
      if (!SAFE_URL.test(href.trim())) node.removeAttribute("href");
      else {
        node.setAttribute("target", "_blank");
        node.setAttribute("rel", "noopener noreferrer nofollow");
      }
    }
    for (const attr of ["data-mx-color", "data-mx-bg-color", "color"]) {
      const v = node.getAttribute(attr);
      if (v !== null && !COLOR.test(v)) node.removeAttribute(attr);
    }
  });
}

export function sanitizeMessageHtml(html: string): string {
  installHooks();
  return DOMPurify.sanitize(html, {
    ALLOWED_TAGS,
    ALLOWED_ATTR,
    ALLOW_DATA_ATTR: false,
    ALLOW_ARIA_ATTR: false,
    ALLOW_UNKNOWN_PROTOCOLS: false,
    KEEP_CONTENT: true,
    // Dropped with their content (not just the tag): their text is not message text.
    FORBID_CONTENTS: [
      "script",
      "style",
      "svg",
      "math",
      "template",
      "noscript",
      "iframe",
      "object",
      "title",
      "mx-reply",
    ],
    RETURN_TRUSTED_TYPE: false,
  }) as string;
}
