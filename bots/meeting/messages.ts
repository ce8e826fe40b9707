import type { CommandProblem, Lang } from "./command.ts";

/** What the bot says, in the language of the command it answers (French for !reunion). */

export function helpText(lang: Lang): string {
  return lang === "fr"
    ? [
        "Je crée des salons de réunion privés, chiffrés et prêts pour l'appel.",
        "",
        "!reunion <titre> [avec <@nom:serveur | e-mail> …] [à <date ISO>]",
        "  ex. : !reunion Point budget avec chloe.bernard@ministere-b.gouv.fr à 2026-12-01T10:00",
        "J'invite la personne qui demande et les participants (de tout ministère) et je",
        "rappelle la réunion dans son salon à l'heure dite. Heure sans fuseau : heure de Paris.",
        "!aide affiche ce message. (En anglais : !meeting … with … at …, !help.)",
      ].join("\n")
    : [
        "I create private, encrypted, call-ready meeting rooms.",
        "",
        "!meeting <title> [with <@name:server | e-mail> …] [at <ISO time>]",
        "  e.g. !meeting Budget review with chloe.bernard@ministere-b.gouv.fr at 2026-12-01T10:00",
        "I invite you and the participants (from any agency) and post a reminder in the",
        "meeting room at that time. A time without a zone is Paris time.",
        "!help shows this. (In French: !reunion … avec … à …, !aide.)",
      ].join("\n");
}

export function problemText(lang: Lang, p: CommandProblem): string {
  const fr = lang === "fr";
  const usage = fr
    ? "Usage : !reunion <titre> [avec <participants>] [à <date ISO>] — !aide pour l'aide."
    : "Usage: !meeting <title> [with <participants>] [at <ISO time>] — !help for help.";
  const text = ((): string => {
    switch (p.code) {
      case "NO_TITLE":
        return fr ? "Il manque le titre de la réunion." : "The meeting needs a title.";
      case "NO_PARTICIPANTS":
        return fr
          ? "« avec » doit être suivi d'au moins un participant."
          : '"with" must be followed by at least one participant.';
      case "BAD_PARTICIPANT":
        return fr
          ? `« ${p.value} » n'est ni un identifiant Matrix (@nom:serveur) ni une adresse e-mail.`
          : `"${p.value}" is neither a Matrix ID (@name:server) nor an e-mail address.`;
      case "NO_TIME":
        return fr
          ? "« à » doit être suivi d'une date ISO, ex. 2026-12-01T10:00."
          : '"at" must be followed by an ISO time, e.g. 2026-12-01T10:00.';
      case "BAD_TIME":
        return fr
          ? `« ${p.value} » n'est pas une date ISO 8601 (ex. 2026-12-01T10:00 ou 2026-12-01T10:00+01:00).`
          : `"${p.value}" is not an ISO 8601 time (e.g. 2026-12-01T10:00 or 2026-12-01T10:00+01:00).`;
      case "PAST_TIME":
        return fr ? `${p.value} est déjà passé.` : `${p.value} is in the past.`;
      case "TOO_FAR":
        return fr ? `${p.value} est à plus d'un an.` : `${p.value} is more than a year ahead.`;
      case "UNKNOWN_COMMAND":
        return fr
          ? `Je ne connais pas la commande ${p.value}.`
          : `I do not know the command ${p.value}.`;
    }
  })();
  return `${text}\n${usage}`;
}

export function unknownPeopleText(lang: Lang, people: { ref: string; reason: string }[]): string {
  const list = people.map((p) => `${p.ref} (${p.reason})`).join(", ");
  return lang === "fr"
    ? `Réunion non créée : je ne trouve pas ${list}.`
    : `Meeting not created: I cannot find ${list}.`;
}

export function createdText(
  lang: Lang,
  o: { title: string; link: string; invited: string[]; at: Date | undefined; timeZone: string },
): string {
  const when = o.at ? formatTime(o.at, lang, o.timeZone) : undefined;
  return lang === "fr"
    ? `Réunion « ${o.title} » créée : ${o.link}\nInvités : ${o.invited.join(", ")}` +
        (when ? `\nRappel dans le salon le ${when}.` : "")
    : `Meeting "${o.title}" created: ${o.link}\nInvited: ${o.invited.join(", ")}` +
        (when ? `\nReminder in the room at ${when}.` : "");
}

export function reminderText(lang: Lang, title: string): string {
  return lang === "fr"
    ? `⏰ Rappel : la réunion « ${title} » commence maintenant. Rejoignez l'appel depuis ce salon.`
    : `⏰ Reminder: the meeting "${title}" starts now. Join the call from this room.`;
}

export function failedText(lang: Lang, reason: string): string {
  return lang === "fr"
    ? `Je n'ai pas pu créer la réunion : ${reason}`
    : `I could not create the meeting: ${reason}`;
}

export function formatTime(at: Date, lang: Lang, timeZone: string): string {
  return new Intl.DateTimeFormat(lang === "fr" ? "fr-FR" : "en-GB", {
    dateStyle: "full",
    timeStyle: "short",
    timeZone,
  }).format(at);
}
