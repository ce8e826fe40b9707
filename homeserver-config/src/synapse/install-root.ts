import { execFile, spawn } from "node:child_process";
import { access, mkdir, readFile, readdir, rename, rm, statfs, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** A step of installing Synapse that cannot be done on this machine; `message` says why. */
export class SynapseInstallError extends Error {
  readonly code = "SYNAPSE_INSTALL_FAILED";
  override name = "SynapseInstallError";
}

const MARKER = ".tchap-synapse-ready";
const PACKAGES = ["matrix-synapse", "python3-psycopg2"];
const NEEDED_BYTES = 2 * 1024 ** 3;

export function defaultCacheDir(): string {
  if (process.env.TCHAP_CACHE_DIR) return process.env.TCHAP_CACHE_DIR;
  return process.getuid?.() === 0 ? "/var/cache/tchap" : path.join(os.homedir(), ".cache", "tchap");
}

const exists = (p: string) =>
  access(p).then(
    () => true,
    () => false,
  );

/**
 * A Debian `sid` root holding Synapse (which Debian's stable releases lack), kept in a cache
 * outside the work tree. Idempotent: an existing ready root is returned as it is.
 */
export async function ensureSynapseRoot(
  cacheDir = defaultCacheDir(),
  log: (line: string) => void = console.log,
): Promise<string> {
  const root = path.join(cacheDir, "synapse-root");
  if (await exists(path.join(root, MARKER))) return root;

  if (process.getuid?.() !== 0) {
    throw new SynapseInstallError(
      "Installing Synapse needs root (debootstrap and chroot). Run as root, or point " +
        "TCHAP_SYNAPSE_PYTHON at the python of an existing Synapse installation.",
    );
  }
  await mkdir(cacheDir, { recursive: true });
  const { bavail, bsize } = await statfs(cacheDir);
  if (bavail * bsize < NEEDED_BYTES) {
    throw new SynapseInstallError(
      `Not enough free space in ${cacheDir} to install Synapse: need 2 GiB, have ` +
        `${Math.floor((bavail * bsize) / 1024 ** 2)} MiB. Free some space or set TCHAP_CACHE_DIR.`,
    );
  }

  const lock = path.join(cacheDir, "synapse-root.lock");
  try {
    await mkdir(lock);
  } catch {
    throw new SynapseInstallError(
      `Another process is installing Synapse into ${cacheDir} (lock ${lock}). Wait for it, ` +
        `or remove the lock if no install is running.`,
    );
  }
  try {
    const tmp = `${root}.partial`;
    await rm(tmp, { recursive: true, force: true });
    await ensureHostTool("debootstrap", log);
    const mirror = await debianMirror();
    log(`Installing Synapse into ${root} (Debian sid, about 2 minutes, once)…`);
    await step(["debootstrap", "--variant=minbase", "sid", tmp, mirror], "debootstrap");
    await withProc(tmp, () =>
      step(
        [
          "chroot",
          tmp,
          "sh",
          "-c",
          // The archive's sid Release file may be past its Valid-Until on snapshot mirrors.
          "apt-get -o Acquire::Check-Valid-Until=false update -q && " +
            "DEBIAN_FRONTEND=noninteractive apt-get -o Acquire::Check-Valid-Until=false " +
            `install -y -q --no-install-recommends ${PACKAGES.join(" ")}`,
        ],
        "apt-get install matrix-synapse (inside the root)",
      ),
    );
    await rm(root, { recursive: true, force: true });
    await rename(tmp, root);
    const version = await synapseVersion(root);
    await writeFile(path.join(root, MARKER), `${version}\n`);
    log(`Synapse ${version} installed.`);
    return root;
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

export async function synapseVersion(root: string): Promise<string> {
  const { stdout } = await run("chroot", [
    root,
    "dpkg-query",
    "-W",
    "-f=${Version}",
    "matrix-synapse",
  ]);
  return stdout.trim();
}

async function withProc<T>(root: string, fn: () => Promise<T>): Promise<T> {
  await mkdir(path.join(root, "proc"), { recursive: true });
  await run("mount", ["--bind", "/proc", path.join(root, "proc")]);
  try {
    return await fn();
  } finally {
    await run("umount", [path.join(root, "proc")]).catch(() => undefined);
  }
}

/** The Debian archive this machine's apt already uses. */
async function debianMirror(): Promise<string> {
  if (process.env.TCHAP_DEBIAN_MIRROR) return process.env.TCHAP_DEBIAN_MIRROR;
  const dir = "/etc/apt/sources.list.d";
  const files = (await readdir(dir).catch(() => [])).map((f) => path.join(dir, f));
  for (const file of ["/etc/apt/sources.list", ...files]) {
    const text = await readFile(file, "utf8").catch(() => "");
    const deb822 = /^URIs:\s*(\S+)/m.exec(text)?.[1];
    const oneLine = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+\S+\s+main/m.exec(text)?.[1];
    const url = deb822 ?? oneLine;
    if (url && !url.includes("security")) return url;
  }
  throw new SynapseInstallError(
    "Cannot tell which Debian archive to use: none found in /etc/apt. Set TCHAP_DEBIAN_MIRROR.",
  );
}

async function ensureHostTool(tool: string, log: (line: string) => void): Promise<void> {
  const found = await run("sh", ["-c", `command -v ${tool}`]).then(
    () => true,
    () => false,
  );
  if (found) return;
  log(`Installing ${tool} with apt-get…`);
  await step(["apt-get", "update", "-q"], "apt-get update");
  await step(["apt-get", "install", "-y", "-q", tool], `apt-get install ${tool}`);
}

/** Runs a command, streaming nothing; on failure the error quotes the end of its output. */
function step(argv: string[], what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const [cmd, ...args] = argv as [string, ...string[]];
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
    let tail = "";
    const keep = (chunk: Buffer) => {
      tail = (tail + chunk.toString()).slice(-4000);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    child.on("error", (e) =>
      reject(new SynapseInstallError(`${what} could not start: ${e.message}`)),
    );
    child.on("exit", (code) =>
      code === 0
        ? resolve()
        : reject(new SynapseInstallError(`${what} failed (exit ${code}):\n${tail.trim()}`)),
    );
  });
}
