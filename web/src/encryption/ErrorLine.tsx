import { useTranslation } from "react-i18next";
import type { AppError } from "../core/app-error.ts";

/** An encryption dialog's error, in the user's words (the code stays for tests). */
export function ErrorLine({ error }: { error: AppError | null }) {
  const { t } = useTranslation();
  if (!error) return null;
  return (
    <p className="error" role="alert" data-code={error.code}>
      {t(`errors.${error.code}`, error.params)}
    </p>
  );
}
