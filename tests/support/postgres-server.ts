import { execFile, spawn, type ChildProcess } from "node:child_process";
import { chown, mkdtemp, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface PostgresServer {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  query(sql: string): Promise<string>;
  stop(): Promise<void>;
}

async function pgBin(): Promise<string> {
  const versions = (await readdir("/usr/lib/postgresql").catch(() => [])).sort();
  const latest = versions.at(-1);
  if (!latest) {
    throw new Error(
      "PostgreSQL is not installed (apt-get install postgresql); npm test installs it",
    );
  }
  return path.join("/usr/lib/postgresql", latest, "bin");
}

/**
 * A throwaway PostgreSQL cluster run as the `postgres` system user: TCP on loopback needs a
 * password (as in production), the superuser works over the cluster's own socket.
 */
export async function startPostgres(port: number): Promise<PostgresServer> {
  const bin = await pgBin();
  const dir = await mkdtemp(path.join(os.tmpdir(), "tchap-pg-"));
  await chown(dir, ...(await postgresIds()));
  const asPostgres = (cmd: string, args: string[]) =>
    run("runuser", ["-u", "postgres", "--", path.join(bin, cmd), ...args]);

  await asPostgres("initdb", [
    "-D",
    path.join(dir, "data"),
    "--auth-local=trust",
    "--auth-host=scram-sha-256",
    "-U",
    "postgres",
  ]);
  const server: ChildProcess = spawn(
    "runuser",
    [
      "-u",
      "postgres",
      "--",
      path.join(bin, "postgres"),
      "-D",
      path.join(dir, "data"),
      "-h",
      "127.0.0.1",
      "-p",
      String(port),
      "-k",
      dir,
    ],
    { stdio: "ignore" },
  );
  const psql = (sql: string, db = "postgres") =>
    asPostgres("psql", ["-h", dir, "-p", String(port), "-U", "postgres", "-d", db, "-tAc", sql]);
  for (let i = 0; ; i++) {
    try {
      await psql("select 1");
      break;
    } catch (e) {
      if (i > 100) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const password = `pw-${Date.now()}`;
  await psql(`CREATE ROLE synapse LOGIN PASSWORD '${password}'`);
  // Synapse requires C collation and UTF8.
  await psql(
    "CREATE DATABASE synapse OWNER synapse ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0",
  );
  return {
    host: "127.0.0.1",
    port,
    user: "synapse",
    password,
    database: "synapse",
    query: async (sql) => (await psql(sql, "synapse")).stdout.trim(),
    stop: async () => {
      // runuser does not pass signals on to postgres; pg_ctl stops the cluster itself.
      const exited = new Promise((r) => server.once("exit", r));
      await asPostgres("pg_ctl", ["stop", "-D", path.join(dir, "data"), "-m", "fast"]);
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function postgresIds(): Promise<[number, number]> {
  const { stdout } = await run("id", ["-u", "postgres"]);
  const { stdout: gid } = await run("id", ["-g", "postgres"]);
  return [Number(stdout.trim()), Number(gid.trim())];
}
