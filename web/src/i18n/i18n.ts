import i18next from "i18next";
import { initReactI18next } from "react-i18next";
import { en } from "./en.ts";
import { fr } from "./fr.ts";

export const LANGUAGES = ["fr", "en"] as const;
export type Language = (typeof LANGUAGES)[number];
const KEY = "tchap.language";

/** French by default (Tchap's users), English on request; the choice is remembered. */
export async function initI18n(defaultLanguage: Language = "fr"): Promise<void> {
  const saved = localStorage.getItem(KEY);
  const lng = (LANGUAGES as readonly string[]).includes(saved ?? "")
    ? (saved as Language)
    : defaultLanguage;
  await i18next.use(initReactI18next).init({
    lng,
    fallbackLng: "fr",
    resources: { fr: { translation: fr }, en: { translation: en } },
    interpolation: { escapeValue: false },
  });
  document.documentElement.lang = lng;
}

export async function setLanguage(lng: Language): Promise<void> {
  localStorage.setItem(KEY, lng);
  await i18next.changeLanguage(lng);
  document.documentElement.lang = lng;
}
