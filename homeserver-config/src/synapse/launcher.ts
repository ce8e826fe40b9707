import { spawn, type ChildProcess } from "node:child_process";
import { ensureSynapseRoot } from "./install-root.ts";

export interface SynapseLaunch {
  configFiles: string[];
  /** Folder holding every file the homeserver reads or writes. */
  dataDir: string;
  /** An /etc/hosts mapping the federation's server names to their loopback addresses. */
  hostsFile: string;
  /** Folders holding Python modules Synapse loads (our policy module); added to PYTHONPATH. */
  pythonPath?: string[];
  /** Extra environment, e.g. PGPASSWORD for a production-profile database. */
  env?: Record<string, string>;
}

/** How a Synapse process is started; the stack does not care whether it runs in a chroot. */
export interface SynapseLauncher {
  readonly description: string;
  spawn(launch: SynapseLaunch): ChildProcess;
}

/**
 * Synapse inside the cached Debian root. Each process gets a private mount namespace, so its
 * /proc, data folder and hosts file are mounted for it alone and vanish when it exits; the
 * parent-death signal stops it if our process dies without cleaning up.
 */
export class ChrootLauncher implements SynapseLauncher {
  readonly description: string;
  constructor(private readonly root: string) {
    this.description = `Synapse in ${root}`;
  }

  spawn(launch: SynapseLaunch): ChildProcess {
    const script = [
      "set -e",
      'R="$1"; DATA="$2"; HOSTS="$3"; shift 3',
      'mount --bind /proc "$R/proc"',
      'mkdir -p "$R$DATA" && mount --bind "$DATA" "$R$DATA"',
      'touch "$R/etc/hosts" && mount --bind "$HOSTS" "$R/etc/hosts"',
      'for d in $PYTHONPATH_DIRS; do mkdir -p "$R$d" && mount --bind "$d" "$R$d"; done',
      'exec chroot "$R" /usr/bin/python3 -m synapse.app.homeserver "$@"',
    ].join("\n");
    const args = launch.configFiles.flatMap((f) => ["-c", f]);
    return spawn(
      "setpriv",
      [
        "--pdeathsig",
        "TERM",
        "unshare",
        "--mount",
        "--propagation",
        "private",
        "sh",
        "-c",
        script,
        "synapse",
        this.root,
        launch.dataDir,
        launch.hostsFile,
        ...args,
      ],
      {
        stdio: ["ignore", "pipe", "pipe"],
        env: {
          ...synapseEnv(launch.pythonPath),
          ...launch.env,
          PYTHONPATH_DIRS: (launch.pythonPath ?? []).join(" "),
        },
      },
    );
  }
}

/**
 * An existing Synapse installation (TCHAP_SYNAPSE_PYTHON=/path/to/python). The machine's own
 * /etc/hosts must then map the `*.localhost` server names (see README).
 */
export class HostLauncher implements SynapseLauncher {
  readonly description: string;
  constructor(private readonly python: string) {
    this.description = `Synapse from ${python}`;
  }

  spawn(launch: SynapseLaunch): ChildProcess {
    const args = launch.configFiles.flatMap((f) => ["-c", f]);
    return spawn(this.python, ["-m", "synapse.app.homeserver", ...args], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, ...synapseEnv(launch.pythonPath), ...launch.env },
    });
  }
}

function synapseEnv(pythonPath: string[] = []): NodeJS.ProcessEnv {
  return {
    ...(pythonPath.length > 0 ? { PYTHONPATH: pythonPath.join(":") } : {}),
    PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    LANG: "C.UTF-8",
    HOME: "/root",
    SYNAPSE_CACHE_FACTOR: "0.5",
  };
}

export async function defaultLauncher(log?: (line: string) => void): Promise<SynapseLauncher> {
  const python = process.env.TCHAP_SYNAPSE_PYTHON;
  if (python) return new HostLauncher(python);
  return new ChrootLauncher(await ensureSynapseRoot(undefined, log));
}
