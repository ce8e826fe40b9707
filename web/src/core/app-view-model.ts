import { Observable } from "./observable.ts";
import {
  readStoredSession,
  writeStoredSession,
  clearLocalData,
  type StoredSession,
} from "../login/stored-session.ts";
import { passwordLogin } from "../login/password-login.ts";
import { AppError, toAppError } from "./app-error.ts";
import type { RuntimeConfig } from "./runtime-config.ts";

export type AppPhase = { phase: "login" } | { phase: "chat"; session: StoredSession };

export interface LoginState {
  busy: boolean;
  error: AppError | null;
}

/** Top level: logged out (login form) or logged in (the chat, loaded on demand). */
export class AppViewModel {
  readonly phase: Observable<AppPhase>;
  readonly login = new Observable<LoginState>({ busy: false, error: null });

  constructor(
    readonly config: RuntimeConfig,
    private readonly fetchFn: typeof fetch = fetch.bind(globalThis),
  ) {
    const stored = readStoredSession();
    this.phase = new Observable<AppPhase>(
      stored ? { phase: "chat", session: stored } : { phase: "login" },
    );
  }

  async submitLogin(identifier: string, password: string): Promise<void> {
    if (this.login.get().busy) return;
    this.login.set({ busy: true, error: null });
    try {
      const session = await passwordLogin(this.config, identifier, password, this.fetchFn);
      writeStoredSession(session);
      this.login.set({ busy: false, error: null });
      this.phase.set({ phase: "chat", session });
    } catch (e) {
      this.login.set({ busy: false, error: e instanceof AppError ? e : toAppError(e) });
    }
  }

  /** After logout or when the homeserver ended the session. */
  async loggedOut(clear: boolean): Promise<void> {
    if (clear) await clearLocalData();
    this.phase.set({ phase: "login" });
  }
}
