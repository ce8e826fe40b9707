import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { ROOM_TYPES, type RoomType } from "../../../homeserver-config/src/policy/room-types.ts";
import { toAppError, type AppError } from "../core/app-error.ts";
import type { ChatViewModel } from "../rooms/chat-view-model.ts";
import { Dialog } from "./Dialog.tsx";

const CHOICES: Exclude<RoomType, "direct">[] = ["private", "private_external", "forum"];

export function CreateRoomDialog({ vm }: { vm: ChatViewModel }) {
  const { t } = useTranslation();
  const [type, setType] = useState<Exclude<RoomType, "direct">>("private");
  const [name, setName] = useState("");
  const [topic, setTopic] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AppError | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await vm.createRoom(type, name.trim(), topic.trim());
    } catch (err) {
      setError(toAppError(err));
      setBusy(false);
    }
  };
  return (
    <Dialog title={t("create.title")} onClose={() => vm.dialog.set(null)}>
      <form onSubmit={(e) => void submit(e)} className="stack">
        <label htmlFor="room-name">{t("create.name")}</label>
        <input
          id="room-name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          required
          autoFocus
        />
        <label htmlFor="room-topic">{t("create.topic")}</label>
        <input id="room-topic" value={topic} onChange={(e) => setTopic(e.target.value)} />
        <fieldset>
          <legend>{t("create.type")}</legend>
          {CHOICES.map((c) => (
            <label key={c} className="choice">
              <input
                type="radio"
                name="room-type"
                value={c}
                checked={type === c}
                onChange={() => setType(c)}
              />
              <span>
                <strong>{t(`create.types.${c}`)}</strong>
                <span className="muted">
                  {" — "}
                  {t(`create.hints.${c}`)}
                  {ROOM_TYPES[c].encrypted ? ` ${t("create.encrypted")}` : ""}
                </span>
              </span>
            </label>
          ))}
        </fieldset>
        {error && (
          <p className="error" role="alert" data-code={error.code}>
            {t(`errors.${error.code}`)}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {t("create.submit")}
        </button>
      </form>
    </Dialog>
  );
}
