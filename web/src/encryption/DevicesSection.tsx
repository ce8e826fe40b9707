import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { useObservable } from "../core/use-observable.ts";
import type { DeviceRow, DevicesViewModel } from "./devices-view-model.ts";

export function DevicesSection({ vm }: { vm: DevicesViewModel }) {
  const { t } = useTranslation();
  const { loading, devices, error } = useObservable(vm.state);
  return (
    <section className="devices" aria-labelledby="devices-title">
      <h3 id="devices-title">{t("securitySettings.devicesTitle")}</h3>
      <p className="muted">{t("securitySettings.devicesIntro")}</p>
      {loading && <p role="status">{t("securitySettings.loading")}</p>}
      {error && (
        <p className="error" role="alert" data-code={error.code}>
          {t(`errors.${error.code}`)}
        </p>
      )}
      <ul aria-labelledby="devices-title">
        {devices.map((d) => (
          <DeviceItem key={d.deviceId} device={d} vm={vm} />
        ))}
      </ul>
    </section>
  );
}

function DeviceItem({ device, vm }: { device: DeviceRow; vm: DevicesViewModel }) {
  const { t, i18n } = useTranslation();
  const signOut = useObservable(vm.signOut);
  const name = device.displayName || t("securitySettings.unnamed");
  const when = device.lastSeenTs
    ? new Date(device.lastSeenTs).toLocaleString(i18n.language, {
        dateStyle: "medium",
        timeStyle: "short",
      })
    : null;
  return (
    <li
      className="device"
      data-device-id={device.deviceId}
      data-current={device.current || undefined}
      data-verified={device.verified}
    >
      <div className="device-head">
        <strong className="device-name">{name}</strong>
        {device.current && <span className="device-tag">{t("securitySettings.thisDevice")}</span>}
        <span className={device.verified ? "device-verified" : "device-unverified"}>
          {t(device.verified ? "securitySettings.verified" : "securitySettings.unverified")}
        </span>
      </div>
      <p className="muted device-seen">
        {when
          ? device.lastSeenIp
            ? t("securitySettings.lastSeenFrom", { when, ip: device.lastSeenIp })
            : t("securitySettings.lastSeen", { when })
          : t("securitySettings.neverSeen")}
        {" · "}
        {t("securitySettings.deviceId", { id: device.deviceId })}
      </p>
      {device.current ? (
        <RenameForm vm={vm} current={device.displayName ?? ""} />
      ) : signOut?.deviceId === device.deviceId ? (
        <SignOutForm vm={vm} name={name} />
      ) : (
        <button
          type="button"
          aria-label={t("securitySettings.signOutNamed", { name })}
          onClick={() => vm.askSignOut(device.deviceId)}
        >
          {t("securitySettings.signOut")}
        </button>
      )}
    </li>
  );
}

function RenameForm({ vm, current }: { vm: DevicesViewModel; current: string }) {
  const { t } = useTranslation();
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(current);
  if (!editing)
    return (
      <button
        type="button"
        onClick={() => {
          setName(current);
          setEditing(true);
        }}
      >
        {t("securitySettings.rename")}
      </button>
    );
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    await vm.renameThisDevice(name);
    setEditing(false);
  };
  return (
    <form className="device-form" onSubmit={(e) => void submit(e)}>
      <label htmlFor="device-rename">{t("securitySettings.renameLabel")}</label>
      <input
        id="device-rename"
        value={name}
        onChange={(e) => setName(e.target.value)}
        required
        autoFocus
      />
      <button type="submit" className="primary">
        {t("securitySettings.save")}
      </button>
      <button type="button" onClick={() => setEditing(false)}>
        {t("common.cancel")}
      </button>
    </form>
  );
}

/** The password stays in this form only: the view model passes it on and keeps nothing. */
function SignOutForm({ vm, name }: { vm: DevicesViewModel; name: string }) {
  const { t } = useTranslation();
  const signOut = useObservable(vm.signOut);
  const [password, setPassword] = useState("");
  const busy = !!signOut?.busy;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void vm.confirmSignOut(password);
  };
  return (
    <form className="device-form" onSubmit={submit}>
      <p>{t("securitySettings.signOutPrompt", { name })}</p>
      <label htmlFor="device-signout-password">{t("securitySettings.password")}</label>
      <input
        id="device-signout-password"
        type="password"
        autoComplete="current-password"
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        required
        autoFocus
      />
      {signOut?.error && (
        <p className="error" role="alert" data-code={signOut.error.code}>
          {t(`errors.${signOut.error.code}`)} {t("securitySettings.stillSignedIn")}
        </p>
      )}
      <button type="submit" className="primary" disabled={busy}>
        {busy ? t("securitySettings.signingOut") : t("securitySettings.signOutConfirm")}
      </button>
      <button type="button" disabled={busy} onClick={() => vm.cancelSignOut()}>
        {t("common.cancel")}
      </button>
    </form>
  );
}
