import { useTranslation } from "react-i18next";
import { LANGUAGES, setLanguage, type Language } from "../i18n/i18n.ts";

export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  return (
    <label className="language">
      <span>{t("app.language")}</span>
      <select value={i18n.language} onChange={(e) => void setLanguage(e.target.value as Language)}>
        {LANGUAGES.map((l) => (
          <option key={l} value={l}>
            {t(`app.languageName.${l}`)}
          </option>
        ))}
      </select>
    </label>
  );
}
