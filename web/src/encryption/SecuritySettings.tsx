import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Dialog } from "../chat/Dialog.tsx";
import { DevicesSection } from "./DevicesSection.tsx";
import type { DevicesViewModel } from "./devices-view-model.ts";
import "./security-settings.css";

/**
 * The « Sécurité » settings: my devices, and the recovery key part given by whoever owns it
 * (`recovery`), so this dialog does not depend on how recovery works.
 */
export function SecuritySettings(props: {
  devices: DevicesViewModel;
  onClose: () => void;
  recovery?: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <Dialog title={t("securitySettings.title")} onClose={props.onClose}>
      <div className="security-settings">
        <DevicesSection vm={props.devices} />
        {props.recovery}
      </div>
    </Dialog>
  );
}
