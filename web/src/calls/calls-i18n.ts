import i18next from "i18next";

/** The calls part's strings, in their own namespace so the chat's files stay untouched. */
const fr = {
  startVideo: "Démarrer un appel vidéo",
  startVoice: "Démarrer un appel audio",
  videoCall: "Vidéo",
  voiceCall: "Audio",
  ongoing: "Appel en cours",
  ongoingCount_one: "{{count}} participant",
  ongoingCount_other: "{{count}} participants",
  join: "Rejoindre",
  inCall: "Vous êtes dans l'appel",
  backToCall: "Revenir à l'appel",
  hangup: "Raccrocher",
  callIn: "Appel dans {{room}}",
  incomingVideo: "Appel vidéo de {{name}}",
  incomingVoice: "Appel audio de {{name}}",
  accept: "Accepter",
  decline: "Refuser",
  ringMuted: "Sonnerie muette : le navigateur attend que vous touchiez la page (clic ou touche).",
  callFailed: "L'appel n'a pas pu démarrer : {{reason}}",
  widgets: "Widgets du salon",
  openWidget: "Ouvrir {{name}}",
  closeWidget: "Fermer {{name}}",
  widgetAsks: "{{name}} ({{origin}}) demande les permissions suivantes :",
  approve: "Autoriser la sélection",
  refuseAll: "Tout refuser",
  widgetNotAllowed: "{{name}} : widget non autorisé (origine {{origin}})",
  remember: "Se souvenir de ce choix",
};

const en: typeof fr = {
  startVideo: "Start a video call",
  startVoice: "Start a voice call",
  videoCall: "Video",
  voiceCall: "Voice",
  ongoing: "Call in progress",
  ongoingCount_one: "{{count}} participant",
  ongoingCount_other: "{{count}} participants",
  join: "Join",
  inCall: "You are in the call",
  backToCall: "Back to the call",
  hangup: "Hang up",
  callIn: "Call in {{room}}",
  incomingVideo: "Video call from {{name}}",
  incomingVoice: "Voice call from {{name}}",
  accept: "Accept",
  decline: "Decline",
  ringMuted: "Ring muted: the browser waits for you to touch the page (click or key).",
  callFailed: "The call could not start: {{reason}}",
  widgets: "Room widgets",
  openWidget: "Open {{name}}",
  closeWidget: "Close {{name}}",
  widgetAsks: "{{name}} ({{origin}}) asks for these permissions:",
  approve: "Allow selected",
  refuseAll: "Refuse all",
  widgetNotAllowed: "{{name}}: widget not allowed (origin {{origin}})",
  remember: "Remember this choice",
};

export const CALLS_NS = "calls";

export function ensureCallsI18n(): void {
  if (!i18next.hasResourceBundle("fr", CALLS_NS)) i18next.addResourceBundle("fr", CALLS_NS, fr);
  if (!i18next.hasResourceBundle("en", CALLS_NS)) i18next.addResourceBundle("en", CALLS_NS, en);
}
