import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import type { AppViewModel } from "../core/app-view-model.ts";
import { useObservable } from "../core/use-observable.ts";
import { LanguageSwitch } from "./LanguageSwitch.tsx";

export function LoginScreen({ vm }: { vm: AppViewModel }) {
  const { t } = useTranslation();
  const state = useObservable(vm.login);
  const [identifier, setIdentifier] = useState("");
  const [password, setPassword] = useState("");
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void vm.submitLogin(identifier, password);
  };
  return (
    <main className="login">
      <form className="login-card" onSubmit={submit} aria-labelledby="login-title">
        <h1 id="login-title">{t("login.title")}</h1>
        <p className="muted">{t("login.subtitle")}</p>
        <label htmlFor="login-id">{t("login.identifier")}</label>
        <input
          id="login-id"
          name="username"
          autoComplete="username"
          value={identifier}
          onChange={(e) => setIdentifier(e.target.value)}
          required
          autoFocus
        />
        <label htmlFor="login-password">{t("login.password")}</label>
        <input
          id="login-password"
          name="password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          required
        />
        {state.error && (
          <p className="error" role="alert" data-code={state.error.code}>
            {t(`errors.${state.error.code}`)}
          </p>
        )}
        <button type="submit" className="primary" disabled={state.busy}>
          {state.busy ? t("login.busy") : t("login.submit")}
        </button>
        <LanguageSwitch />
      </form>
    </main>
  );
}
