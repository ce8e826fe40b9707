import { useEffect, useRef, useState, type KeyboardEvent } from "react";
import { useTranslation } from "react-i18next";
import { splitAgency } from "../core/agency.ts";
import { useObservable } from "../core/use-observable.ts";
import type { RoomViewModel } from "../rooms/room-view-model.ts";

/** Enter sends, Shift+Enter adds a line, Escape cancels a reply or an edit. */
export function Composer({ vm }: { vm: RoomViewModel }) {
  const { t } = useTranslation();
  const s = useObservable(vm.state);
  const [text, setText] = useState("");
  const input = useRef<HTMLTextAreaElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (s.editing) setText(s.editing.body);
    if (s.editing || s.replyTo) input.current?.focus();
  }, [s.editing, s.replyTo]);

  const send = () => {
    if (!text.trim()) return;
    vm.send(text);
    setText("");
  };
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      send();
    } else if (e.key === "Escape") {
      vm.startReply(null);
      vm.startEdit(null);
      if (s.editing) setText("");
    }
  };
  const context = s.editing ?? s.replyTo;
  return (
    <form
      className="composer"
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
    >
      {context && (
        <div className="composer-context">
          <span>
            {s.editing
              ? t("composer.editing")
              : t("composer.replyingTo", { name: splitAgency(context.senderName).name })}
            {": "}
            <em>{context.body.slice(0, 80)}</em>
          </span>
          <button
            type="button"
            onClick={() => {
              vm.startReply(null);
              vm.startEdit(null);
              setText("");
            }}
          >
            {t("common.cancel")}
          </button>
        </div>
      )}
      <div className="composer-row">
        <button
          type="button"
          onClick={() => fileInput.current?.click()}
          aria-label={t("composer.attach")}
          title={t("composer.attach")}
        >
          📎
        </button>
        <input
          ref={fileInput}
          type="file"
          hidden
          data-testid="file-input"
          onChange={(e) => {
            for (const f of e.target.files ?? []) void vm.upload(f);
            e.target.value = "";
          }}
        />
        <textarea
          ref={input}
          rows={1}
          value={text}
          aria-label={t("composer.label")}
          placeholder={t(s.encrypted ? "composer.placeholderEncrypted" : "composer.placeholder")}
          onChange={(e) => {
            setText(e.target.value);
            vm.typing(e.target.value.length > 0);
          }}
          onKeyDown={onKeyDown}
        />
        <button type="submit" className="primary">
          {t("composer.send")}
        </button>
      </div>
    </form>
  );
}
