/** Synapse settings both profiles share: the Tchap policy and MatrixRTC support. */

export interface HomeserverSecrets {
  macaroonSecretKey: string;
  formSecret: string;
  registrationSharedSecret: string;
}

export type SynapseConfig = Record<string, unknown>;

export function matrixRtcSettings(rtcAuthServiceUrl: string): SynapseConfig {
  const transport = { type: "livekit", livekit_service_url: rtcAuthServiceUrl };
  return {
    experimental_features: { msc4143_enabled: true, msc4222_enabled: true },
    // Advertises MSC4140 delayed events: a call membership is withdrawn when a client vanishes.
    max_event_delay_duration: "24h",
    matrix_rtc: { transports: [transport] },
    extra_well_known_client_content: { "org.matrix.msc4143.rtc_foci": [transport] },
    serve_client_wellknown: true,
  };
}

export function tchapPolicySettings(federationServerNames: string[]): SynapseConfig {
  return {
    // Closed federation: only the agencies' homeservers, never the public Matrix network.
    federation_domain_whitelist: federationServerNames,
    allow_public_rooms_over_federation: true,
    presence: { enabled: false },
    enable_registration: false,
    user_directory: { enabled: true, search_all_users: true },
    url_preview_enabled: false,
    enable_metrics: false,
    report_stats: false,
    max_upload_size: "100M",
  };
}

export function secretSettings(s: HomeserverSecrets): SynapseConfig {
  return {
    macaroon_secret_key: s.macaroonSecretKey,
    form_secret: s.formSecret,
    registration_shared_secret: s.registrationSharedSecret,
  };
}

export function logConfig(logFile: string, level: "INFO" | "WARNING"): SynapseConfig {
  return {
    version: 1,
    formatters: {
      precise: { format: "%(asctime)s %(levelname)s %(name)s %(request)s %(message)s" },
    },
    handlers: {
      file: {
        class: "logging.handlers.RotatingFileHandler",
        formatter: "precise",
        filename: logFile,
        maxBytes: 20_000_000,
        backupCount: 2,
        encoding: "utf8",
      },
    },
    loggers: { "synapse.storage.SQL": { level: "WARNING" } },
    root: { level, handlers: ["file"] },
    disable_existing_loggers: false,
  };
}
