import { useEffect, useId, useRef, useState, type KeyboardEvent } from "react";
import { useTranslation } from "react-i18next";
import { splitAgency } from "../core/agency.ts";
import { useObservable } from "../core/use-observable.ts";
import type { RoomViewModel } from "../rooms/room-view-model.ts";
import {
  insertMention,
  matchMembers,
  mentionQuery,
  mentionsInText,
  type ChosenMention,
  type MentionCandidate,
  type MentionQuery,
} from "../timeline/mention-query.ts";

/**
 * Enter sends, Shift+Enter adds a line, Escape cancels a reply or an edit. "@" and letters
 * offer the room's members by name (a listbox: arrows, Enter or Tab to choose, Escape).
 */
export function Composer({ vm }: { vm: RoomViewModel }) {
  const { t } = useTranslation();
  const s = useObservable(vm.state);
  const members = useObservable(vm.members);
  const [text, setText] = useState("");
  const [chosen, setChosen] = useState<ChosenMention[]>([]);
  const [query, setQuery] = useState<MentionQuery | null>(null);
  const [active, setActive] = useState(0);
  const input = useRef<HTMLTextAreaElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const listId = useId();
  const me = vm.myUserId;
  const suggestions: MentionCandidate[] = query ? matchMembers(members, query.query, me) : [];
  const open = suggestions.length > 0;

  const updateQuery = (value: string, caret: number) => {
    const q = mentionQuery(value, caret);
    setQuery(q);
    if (q?.query !== query?.query) setActive(0);
  };
  const choose = (m: MentionCandidate) => {
    const el = input.current;
    if (!query || !el) return;
    const next = insertMention(text, query, el.selectionStart ?? text.length, m.name);
    setText(next.text);
    setChosen((c) => [
      ...c.filter((x) => x.userId !== m.userId),
      { userId: m.userId, name: m.name },
    ]);
    setQuery(null);
    requestAnimationFrame(() => {
      el.focus();
      el.setSelectionRange(next.caret, next.caret);
    });
  };

  useEffect(() => {
    if (s.editing) setText(s.editing.body);
    if (s.editing || s.replyTo) input.current?.focus();
  }, [s.editing, s.replyTo]);

  const send = () => {
    if (!text.trim()) return;
    vm.send(text, mentionsInText(text, chosen));
    setText("");
    setChosen([]);
    setQuery(null);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (open && (e.key === "ArrowDown" || e.key === "ArrowUp")) {
      e.preventDefault();
      const step = e.key === "ArrowDown" ? 1 : -1;
      setActive((a) => (a + step + suggestions.length) % suggestions.length);
    } else if (open && (e.key === "Enter" || e.key === "Tab") && !e.nativeEvent.isComposing) {
      e.preventDefault();
      choose(suggestions[Math.min(active, suggestions.length - 1)]!);
    } else if (open && e.key === "Escape") {
      e.preventDefault();
      setQuery(null);
    } else if (e.key === "Enter" && !e.shiftKey && !e.nativeEvent.isComposing) {
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
      {open && (
        <ul
          className="mention-suggestions"
          id={listId}
          role="listbox"
          aria-label={t("composer.mentionList")}
        >
          {suggestions.map((m, i) => (
            <li
              key={m.userId}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === active}
              onMouseDown={(e) => {
                e.preventDefault(); // Keep the focus in the text box.
                choose(m);
              }}
            >
              {m.name}
              {m.agency && <span className="agency">{m.agency}</span>}
            </li>
          ))}
        </ul>
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
          aria-autocomplete="list"
          aria-controls={open ? listId : undefined}
          aria-activedescendant={open ? `${listId}-${active}` : undefined}
          onChange={(e) => {
            setText(e.target.value);
            updateQuery(e.target.value, e.target.selectionStart ?? e.target.value.length);
            vm.typing(e.target.value.length > 0);
          }}
          onSelect={(e) => {
            const el = e.currentTarget;
            if (query) updateQuery(el.value, el.selectionStart ?? el.value.length);
          }}
          onBlur={() => setQuery(null)}
          onKeyDown={onKeyDown}
        />
        <button type="submit" className="primary">
          {t("composer.send")}
        </button>
      </div>
    </form>
  );
}
