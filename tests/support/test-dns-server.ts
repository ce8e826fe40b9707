/**
 * A tiny authoritative DNS server on loopback for discovery tests: answers A and SRV questions
 * from a fixed table, NXDOMAIN for names it does not know, and records every question.
 */
import dgram from "node:dgram";

export interface DnsTable {
  [name: string]: {
    a?: string;
    srv?: { target: string; port: number; priority?: number; weight?: number }[];
  };
}

const TYPE_A = 1;
const TYPE_SRV = 33;

export interface TestDnsServer {
  address: string;
  questions: string[];
  close(): Promise<void>;
}

function encodeName(name: string): Buffer {
  const parts = name.replace(/\.$/, "").split(".").filter(Boolean);
  return Buffer.concat([
    ...parts.map((p) => Buffer.concat([Buffer.from([p.length]), Buffer.from(p, "ascii")])),
    Buffer.from([0]),
  ]);
}

function readName(msg: Buffer, offset: number): { name: string; end: number } {
  const labels: string[] = [];
  let i = offset;
  while (msg[i]! !== 0) {
    const len = msg[i]!;
    labels.push(msg.subarray(i + 1, i + 1 + len).toString("ascii"));
    i += len + 1;
  }
  return { name: labels.join("."), end: i + 1 };
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}

function answer(type: number, rdata: Buffer): Buffer {
  const fixed = Buffer.alloc(10);
  fixed.writeUInt16BE(type, 0);
  fixed.writeUInt16BE(1, 2); // IN
  fixed.writeUInt32BE(60, 4);
  fixed.writeUInt16BE(rdata.length, 8);
  return Buffer.concat([Buffer.from([0xc0, 0x0c]), fixed, rdata]);
}

export async function startTestDnsServer(
  host: string,
  port: number,
  table: DnsTable,
): Promise<TestDnsServer> {
  const questions: string[] = [];
  const socket = dgram.createSocket("udp4");
  socket.on("message", (msg, peer) => {
    const { name, end } = readName(msg, 12);
    const qtype = msg.readUInt16BE(end);
    questions.push(`${qtype === TYPE_SRV ? "SRV" : qtype === TYPE_A ? "A" : qtype} ${name}`);
    const entry = table[name.toLowerCase()];
    const answers: Buffer[] = [];
    if (entry && qtype === TYPE_A && entry.a) {
      answers.push(answer(TYPE_A, Buffer.from(entry.a.split(".").map(Number))));
    }
    if (entry && qtype === TYPE_SRV) {
      for (const r of entry.srv ?? []) {
        answers.push(
          answer(
            TYPE_SRV,
            Buffer.concat([
              u16(r.priority ?? 10),
              u16(r.weight ?? 0),
              u16(r.port),
              encodeName(r.target),
            ]),
          ),
        );
      }
    }
    const rd = msg.readUInt16BE(2) & 0x0100;
    const header = Buffer.alloc(12);
    header.writeUInt16BE(msg.readUInt16BE(0), 0);
    header.writeUInt16BE(0x8400 | rd | (entry ? 0 : 3), 2); // QR, AA, RD echoed, NXDOMAIN if unknown
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(answers.length, 6);
    socket.send(
      Buffer.concat([header, msg.subarray(12, end + 4), ...answers]),
      peer.port,
      peer.address,
    );
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(port, host, () => resolve());
  });
  return {
    address: `${host}:${port}`,
    questions,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
