import { Observable } from "../core/observable.ts";
import type { BackupWatcher, LogoutRisk } from "./backup-watcher.ts";

/** How long « Attendre la sauvegarde » waits for the upload before saying it did not finish. */
const LOGOUT_BACKUP_WAIT_MS = 60_000;

/** The logout dialog, shown only when logging out now would lose message keys. */
export interface LogoutWarning {
  risk: Exclude<LogoutRisk, { kind: "none" }>;
  /** « Attendre la sauvegarde » is running. */
  waiting: boolean;
}

/**
 * Logout without losing keys: silent when the backup holds every key, otherwise a warning
 * with the choice to wait for the upload or to leave anyway.
 */
export class LogoutCheckViewModel {
  /** Checking that the backup holds every key (a few seconds at most). */
  readonly checking = new Observable<boolean>(false);
  readonly warning = new Observable<LogoutWarning | null>(null);
  private decision: ((logOut: boolean) => void) | null = null;

  constructor(private readonly backup: BackupWatcher) {}

  /** Resolves true when logging out loses nothing, or once the user chose to leave anyway. */
  async request(): Promise<boolean> {
    let risk: LogoutRisk;
    this.checking.set(true);
    try {
      risk = await this.backup.logoutRisk();
    } catch {
      risk = { kind: "none" }; // The crypto stack is gone or broken: nothing left to save.
    } finally {
      this.checking.set(false);
    }
    if (risk.kind === "none") return true;
    this.decision?.(false);
    return new Promise<boolean>((resolve) => {
      this.decision = resolve;
      this.warning.set({ risk, waiting: false });
    });
  }

  /** « Attendre la sauvegarde »: logs out once every key is uploaded. */
  async waitForBackup(): Promise<void> {
    if (!this.warning.get()) return;
    this.warning.set({ ...this.warning.get()!, waiting: true });
    if (await this.backup.waitUntilBackedUp(LOGOUT_BACKUP_WAIT_MS)) return this.decide(true);
    const pending = await this.backup.keysNotBackedUp().catch(() => null);
    this.warning.set({ risk: { kind: "pending", keys: pending ?? 0 }, waiting: false });
  }

  logOutAnyway(): void {
    this.decide(true);
  }

  stay(): void {
    this.decide(false);
  }

  private decide(logOut: boolean): void {
    const decide = this.decision;
    this.decision = null;
    this.warning.set(null);
    decide?.(logOut);
  }

  dispose(): void {
    this.decide(false);
  }
}
