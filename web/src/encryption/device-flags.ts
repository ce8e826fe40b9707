/**
 * Two choices remembered for this device only (they mean nothing on another one), in the
 * browser's storage that logout wipes: the user postponed unlocking history here, and this
 * device made a recovery key that the user has not yet confirmed having saved.
 */
export class DeviceFlags {
  private readonly prefix: string;

  constructor(
    private readonly storage: Storage,
    userId: string,
    deviceId: string,
  ) {
    this.prefix = `tchap.encryption.${userId}.${deviceId}.`;
  }

  get unlockSkipped(): boolean {
    return this.read("unlockSkipped");
  }

  set unlockSkipped(value: boolean) {
    this.write("unlockSkipped", value);
  }

  get recoveryKeyUnconfirmed(): boolean {
    return this.read("recoveryKeyUnconfirmed");
  }

  set recoveryKeyUnconfirmed(value: boolean) {
    this.write("recoveryKeyUnconfirmed", value);
  }

  private read(name: string): boolean {
    return this.storage.getItem(this.prefix + name) === "1";
  }

  private write(name: string, value: boolean): void {
    if (value) this.storage.setItem(this.prefix + name, "1");
    else this.storage.removeItem(this.prefix + name);
  }
}
