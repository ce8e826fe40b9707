import { createRoot } from "react-dom/client";
import { AppViewModel } from "./core/app-view-model.ts";
import { loadRuntimeConfig } from "./core/runtime-config.ts";
import { initI18n } from "./i18n/i18n.ts";
import { App } from "./ui/App.tsx";

async function boot(): Promise<void> {
  const root = createRoot(document.getElementById("root")!);
  try {
    const config = await loadRuntimeConfig();
    await initI18n(config.defaultLanguage);
    root.render(<App vm={new AppViewModel(config)} />);
  } catch (e) {
    root.render(<p role="alert">Configuration error: {String(e)}</p>);
  }
}

void boot();
