import { useEffect, useRef, type ReactNode } from "react";
import { useTranslation } from "react-i18next";

/**
 * A modal `<dialog>`: focus is trapped by the browser, Escape closes it. Without `onClose` it
 * cannot be dismissed (a step the user must finish, like confirming the recovery key).
 */
export function Dialog(props: { title: string; onClose?: () => void; children: ReactNode }) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
  }, []);
  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby="dialog-title"
      onCancel={(e) => {
        e.preventDefault();
        props.onClose?.();
      }}
    >
      <header>
        <h2 id="dialog-title">{props.title}</h2>
        {props.onClose && (
          <button type="button" onClick={props.onClose} aria-label={t("common.close")}>
            ✕
          </button>
        )}
      </header>
      {props.children}
    </dialog>
  );
}
