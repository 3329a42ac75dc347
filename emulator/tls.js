// @ts-check
/** Test certificates: a small local CA and a `localhost` certificate signed by it. */
import { createPrivateKey, X509Certificate } from "node:crypto";
import { mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { generate } from "selfsigned";

/**
 * PEM texts and the files holding them.
 * @typedef {object} EmulatorCerts
 * @property {string} caPath `ca.pem`: the CA certificate clients should trust.
 * @property {string} certPath `cert.pem`: the server certificate (localhost, 127.0.0.1, ::1).
 * @property {string} keyPath `key.pem`: the server private key.
 * @property {string} ca
 * @property {string} cert
 * @property {string} key
 */

const DAY_MS = 24 * 60 * 60 * 1000;
const LOCK_STALE_MS = 30_000;
const LOCK_WAIT_MS = 20_000;
const SAN = ["DNS:localhost", "IP Address:127.0.0.1", "IP Address:0:0:0:0:0:0:0:1"];

/** Generates a fresh CA and server certificate (EC P-256, SHA-256). */
async function generateCerts() {
  const notBeforeDate = new Date(Date.now() - DAY_MS);
  const ca = await generate([{ name: "commonName", value: "crisp-rtm emulator local CA" }], {
    keyType: "ec",
    algorithm: "sha256",
    notBeforeDate,
    notAfterDate: new Date(Date.now() + 3650 * DAY_MS),
    extensions: [
      { name: "basicConstraints", cA: true, pathLenConstraint: 0, critical: true },
      { name: "keyUsage", keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const leaf = await generate([{ name: "commonName", value: "localhost" }], {
    keyType: "ec",
    algorithm: "sha256",
    notBeforeDate,
    notAfterDate: new Date(Date.now() + 365 * DAY_MS),
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, critical: true },
      { name: "extKeyUsage", serverAuth: true },
      {
        name: "subjectAltName",
        altNames: [
          { type: 2, value: "localhost" },
          { type: 7, ip: "127.0.0.1" },
          { type: 7, ip: "::1" },
        ],
      },
    ],
  });
  return { ca: ca.cert, caKey: ca.private, cert: leaf.cert, key: leaf.private };
}

/**
 * Whether the PEM texts form a usable set for at least one more day.
 * @param {{ ca: string, cert: string, key: string }} pems
 */
function stillValid({ ca, cert, key }) {
  try {
    const caCert = new X509Certificate(ca);
    const leaf = new X509Certificate(cert);
    const horizon = Date.now() + DAY_MS;
    const san = leaf.subjectAltName ?? "";
    return (
      caCert.ca &&
      !leaf.ca &&
      leaf.checkIssued(caCert) &&
      leaf.verify(caCert.publicKey) &&
      leaf.checkPrivateKey(createPrivateKey(key)) &&
      Date.parse(leaf.validTo) > horizon &&
      Date.parse(caCert.validTo) > horizon &&
      Date.parse(leaf.validFrom) <= Date.now() &&
      SAN.every((name) => san.includes(name))
    );
  } catch {
    return false;
  }
}

/**
 * Takes a directory lock shared with other processes starting an emulator on the same certDir.
 * @param {string} lockDir
 */
async function lock(lockDir) {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      await mkdir(lockDir);
      return;
    } catch (error) {
      if (/** @type {NodeJS.ErrnoException} */ (error).code !== "EEXIST") throw error;
      const age = await stat(lockDir).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      );
      if (age > LOCK_STALE_MS) await rm(lockDir, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${lockDir}`);
      await sleep(25);
    }
  }
}

/**
 * @param {string} path
 * @param {string} text
 * @param {number} mode
 */
async function writeAtomically(path, text, mode) {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, text, { mode });
  await rename(tmp, path);
}

/**
 * Returns the certificates in `certDir`, creating the directory and (re)generating the files
 * when they are missing, inconsistent or expire within a day. Writes `ca.pem`, `ca-key.pem`,
 * `cert.pem` and `key.pem`.
 * @param {string} certDir
 * @returns {Promise<EmulatorCerts>}
 */
export async function ensureCerts(certDir) {
  await mkdir(certDir, { recursive: true });
  const paths = {
    caPath: join(certDir, "ca.pem"),
    caKeyPath: join(certDir, "ca-key.pem"),
    certPath: join(certDir, "cert.pem"),
    keyPath: join(certDir, "key.pem"),
  };
  const lockDir = join(certDir, ".lock");
  await lock(lockDir);
  try {
    const read = (/** @type {string} */ p) => readFile(p, "utf8").catch(() => "");
    let pems = { ca: await read(paths.caPath), cert: await read(paths.certPath), key: await read(paths.keyPath) };
    if (!stillValid(pems)) {
      const fresh = await generateCerts();
      await writeAtomically(paths.caKeyPath, fresh.caKey, 0o600);
      await writeAtomically(paths.caPath, fresh.ca, 0o644);
      await writeAtomically(paths.keyPath, fresh.key, 0o600);
      await writeAtomically(paths.certPath, fresh.cert, 0o644);
      pems = { ca: fresh.ca, cert: fresh.cert, key: fresh.key };
    }
    return { caPath: paths.caPath, certPath: paths.certPath, keyPath: paths.keyPath, ...pems };
  } finally {
    await rm(lockDir, { recursive: true, force: true });
  }
}
