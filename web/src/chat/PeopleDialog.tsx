import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { splitAgency } from "../core/agency.ts";
import { toAppError, type AppError } from "../core/app-error.ts";
import type { PersonHit } from "../rooms/room-actions.ts";
import type { ChatViewModel } from "../rooms/chat-view-model.ts";
import { Dialog } from "./Dialog.tsx";

/** Find someone by e-mail, Matrix ID or name (user directory), then DM or invite them. */
export function PeopleDialog(props: {
  chat: ChatViewModel;
  title: string;
  actionLabel: string;
  onPick: (userId: string, displayName: string) => Promise<void>;
}) {
  const { t } = useTranslation();
  const [term, setTerm] = useState("");
  const [hits, setHits] = useState<PersonHit[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AppError | null>(null);
  const search = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      setHits(await props.chat.findPeople(term));
    } catch (err) {
      setError(toAppError(err));
    }
    setBusy(false);
  };
  const pick = async (hit: PersonHit) => {
    setError(null);
    setBusy(true);
    try {
      await props.onPick(hit.userId, hit.displayName);
    } catch (err) {
      setError(toAppError(err, "invite", { name: splitAgency(hit.displayName, hit.userId).name }));
      setBusy(false);
    }
  };
  return (
    <Dialog title={props.title} onClose={() => props.chat.dialog.set(null)}>
      <form onSubmit={(e) => void search(e)} className="stack">
        <label htmlFor="people-term">{t("people.search")}</label>
        <div className="composer-row">
          <input
            id="people-term"
            value={term}
            onChange={(e) => setTerm(e.target.value)}
            autoFocus
            required
          />
          <button type="submit" disabled={busy}>
            {t("people.searchButton")}
          </button>
        </div>
      </form>
      {error && (
        <p className="error" role="alert" data-code={error.code}>
          {t(`errors.${error.code}`, error.params)}
        </p>
      )}
      {hits && hits.length === 0 && <p className="muted">{t("people.none")}</p>}
      <ul className="people">
        {hits?.map((h) => {
          const { name, agency } = splitAgency(h.displayName, h.userId);
          return (
            <li key={h.userId}>
              <span>
                {name} {agency && <span className="agency">{agency}</span>}
                <span className="muted user-id"> {h.userId}</span>
              </span>
              <button
                type="button"
                className="primary"
                disabled={busy}
                onClick={() => void pick(h)}
                aria-label={`${props.actionLabel} ${name}`}
              >
                {props.actionLabel}
              </button>
            </li>
          );
        })}
      </ul>
    </Dialog>
  );
}
