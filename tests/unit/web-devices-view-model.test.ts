import { describe, expect, it } from "vitest";
import { AppError } from "../../web/src/core/app-error.ts";
import type { DeviceInfo, DevicesPort } from "../../web/src/encryption/devices-port.ts";
import { DevicesViewModel, orderDevices } from "../../web/src/encryption/devices-view-model.ts";

const device = (deviceId: string, extra: Partial<DeviceInfo> = {}): DeviceInfo => ({
  deviceId,
  displayName: deviceId.toLowerCase(),
  lastSeenTs: null,
  lastSeenIp: null,
  verified: false,
  ...extra,
});

/** My account's devices, in memory; the password is "secret". */
class FakeDevices implements DevicesPort {
  readonly myDeviceId = "THIS";
  devices = [device("OLD", { lastSeenTs: 1 }), device("THIS"), device("PHONE", { lastSeenTs: 9 })];
  private listeners = new Set<() => void>();

  async list() {
    return this.devices.map((d) => ({ ...d }));
  }
  async rename(deviceId: string, displayName: string) {
    this.devices = this.devices.map((d) => (d.deviceId === deviceId ? { ...d, displayName } : d));
  }
  async signOut(deviceId: string, password: string) {
    if (password !== "secret") throw new AppError("WRONG_PASSWORD");
    this.devices = this.devices.filter((d) => d.deviceId !== deviceId);
  }
  onChange(listener: () => void) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  change() {
    for (const l of this.listeners) l();
  }
}

const settle = () => new Promise((r) => setTimeout(r, 0));
const ids = (vm: DevicesViewModel) => vm.state.get().devices.map((d) => d.deviceId);

describe("my devices in the security settings", () => {
  it("lists this device first, then the others most recently seen first", async () => {
    const vm = new DevicesViewModel(new FakeDevices());
    expect(vm.state.get().loading).toBe(true);
    await settle();
    expect(ids(vm)).toEqual(["THIS", "PHONE", "OLD"]);
    expect(vm.state.get().devices.map((d) => d.current)).toEqual([true, false, false]);
  });

  it("shows a newly verified device when the crypto says my devices changed", async () => {
    const port = new FakeDevices();
    const vm = new DevicesViewModel(port);
    await settle();
    port.devices = port.devices.map((d) => (d.deviceId === "PHONE" ? { ...d, verified: true } : d));
    port.change();
    await settle();
    expect(vm.state.get().devices.find((d) => d.deviceId === "PHONE")?.verified).toBe(true);
  });

  it("keeps the device and says so when the password is wrong, then signs it out with the right one", async () => {
    const port = new FakeDevices();
    const vm = new DevicesViewModel(port);
    await settle();
    vm.askSignOut("PHONE");
    expect(await vm.confirmSignOut("wrong")).toBe(false);
    expect(vm.signOut.get()).toMatchObject({ deviceId: "PHONE", busy: false });
    expect(vm.signOut.get()?.error?.code).toBe("WRONG_PASSWORD");
    expect(ids(vm)).toContain("PHONE");

    expect(await vm.confirmSignOut("secret")).toBe(true);
    expect(vm.signOut.get()).toBeNull();
    expect(ids(vm)).toEqual(["THIS", "OLD"]);
  });

  it("never offers to sign this device out from here", async () => {
    const vm = new DevicesViewModel(new FakeDevices());
    vm.askSignOut("THIS");
    expect(vm.signOut.get()).toBeNull();
  });

  it("renames this device, ignoring a blank name", async () => {
    const port = new FakeDevices();
    const vm = new DevicesViewModel(port);
    await vm.renameThisDevice("   ");
    await vm.renameThisDevice("  Poste du bureau ");
    expect(vm.state.get().devices[0]).toMatchObject({
      deviceId: "THIS",
      displayName: "Poste du bureau",
    });
  });

  it("stops listening once disposed", async () => {
    const port = new FakeDevices();
    const vm = new DevicesViewModel(port);
    await settle();
    vm.dispose();
    port.devices = [];
    port.change();
    await settle();
    expect(ids(vm)).toHaveLength(3);
  });

  it("orders devices never seen after those seen", () => {
    const rows = orderDevices([device("B"), device("A", { lastSeenTs: 5 })], "X");
    expect(rows.map((d) => d.deviceId)).toEqual(["A", "B"]);
  });
});
