/**
 * The iframe attributes a widget runs with. The call widget needs camera, microphone and
 * screen sharing (`allow`); every widget gets the same sandbox. Third-party widgets get no
 * device access at all.
 */

export const CALL_IFRAME_ALLOW =
  "microphone; camera; encrypted-media; autoplay; display-capture; clipboard-write";

export const THIRD_PARTY_IFRAME_ALLOW = "";

export const WIDGET_IFRAME_SANDBOX = [
  "allow-forms",
  "allow-popups",
  "allow-popups-to-escape-sandbox",
  "allow-same-origin",
  "allow-scripts",
  "allow-presentation",
].join(" ");

export interface IframeAttributes {
  allow: string;
  sandbox: string;
  referrerPolicy: "no-referrer";
}

export function iframeAttributes(kind: "element-call" | "third-party"): IframeAttributes {
  return {
    allow: kind === "element-call" ? CALL_IFRAME_ALLOW : THIRD_PARTY_IFRAME_ALLOW,
    sandbox: WIDGET_IFRAME_SANDBOX,
    referrerPolicy: "no-referrer",
  };
}
