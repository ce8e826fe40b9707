import { toAppError, type AppError } from "../core/app-error.ts";
import { Disposer, Observable } from "../core/observable.ts";
import type { DeviceInfo, DevicesPort } from "./devices-port.ts";

export interface DeviceRow extends DeviceInfo {
  /** The device this page runs on. */
  current: boolean;
}

export interface DevicesState {
  loading: boolean;
  /** This device first, then the others, most recently seen first. */
  devices: DeviceRow[];
  /** Listing or renaming failed. */
  error: AppError | null;
}

/** The device whose sign-out waits for the user's password, and how that is going. */
export interface SignOutState {
  deviceId: string;
  busy: boolean;
  error: AppError | null;
}

export function orderDevices(devices: DeviceInfo[], myDeviceId: string): DeviceRow[] {
  const rows = devices.map((d) => ({ ...d, current: d.deviceId === myDeviceId }));
  return rows.sort(
    (a, b) =>
      Number(b.current) - Number(a.current) ||
      (b.lastSeenTs ?? 0) - (a.lastSeenTs ?? 0) ||
      a.deviceId.localeCompare(b.deviceId),
  );
}

/** My devices for the « Sécurité » settings: list, rename this one, sign others out. */
export class DevicesViewModel {
  readonly state = new Observable<DevicesState>({ loading: true, devices: [], error: null });
  readonly signOut = new Observable<SignOutState | null>(null);
  private readonly disposer = new Disposer();
  /** Only the latest listing is shown: an older, slower answer must not overwrite it. */
  private generation = 0;

  constructor(private readonly port: DevicesPort) {
    this.disposer.add(port.onChange(() => void this.refresh()));
    void this.refresh();
  }

  async refresh(): Promise<void> {
    const generation = ++this.generation;
    try {
      const devices = await this.port.list();
      if (generation !== this.generation || this.disposer.isDisposed) return;
      this.state.set({
        loading: false,
        devices: orderDevices(devices, this.port.myDeviceId),
        error: null,
      });
    } catch (e) {
      if (generation !== this.generation || this.disposer.isDisposed) return;
      this.state.update((s) => ({ ...s, loading: false, error: toAppError(e) }));
    }
  }

  async renameThisDevice(displayName: string): Promise<void> {
    const name = displayName.trim();
    if (!name) return;
    try {
      await this.port.rename(this.port.myDeviceId, name);
      await this.refresh();
    } catch (e) {
      this.state.update((s) => ({ ...s, error: toAppError(e) }));
    }
  }

  /** Asks for the password before signing `deviceId` out; this device signs out elsewhere. */
  askSignOut(deviceId: string): void {
    if (deviceId === this.port.myDeviceId) return;
    this.signOut.set({ deviceId, busy: false, error: null });
  }

  cancelSignOut(): void {
    if (!this.signOut.get()?.busy) this.signOut.set(null);
  }

  /** Resolves true once signed out; on failure the request stays open with its error. */
  async confirmSignOut(password: string): Promise<boolean> {
    const pending = this.signOut.get();
    if (!pending || pending.busy) return false;
    this.signOut.set({ ...pending, busy: true, error: null });
    try {
      await this.port.signOut(pending.deviceId, password);
    } catch (e) {
      if (!this.disposer.isDisposed)
        this.signOut.set({ ...pending, busy: false, error: toAppError(e) });
      return false;
    }
    if (this.disposer.isDisposed) return true;
    this.signOut.set(null);
    // Shown gone at once; the listing confirms it.
    this.state.update((s) => ({
      ...s,
      devices: s.devices.filter((d) => d.deviceId !== pending.deviceId),
    }));
    await this.refresh();
    return true;
  }

  dispose(): void {
    this.disposer.dispose();
  }
}
