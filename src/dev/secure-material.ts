import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { pathExists } from './path-exists.js';
import { runTool } from './tools.js';

/**
 * What `dev up --secure` needs: a local CA, the brokers' PKCS12 keystore and truststore, the
 * CA as PEM for clients, and random passwords for the Kafka SCRAM user, the registry's basic
 * auth and the stores. Everything lives in one 0700 folder of the state dir; the passwords are
 * in a 0600 file there and are never passed on a command line or printed.
 */
export interface SecureMaterial {
  dir: string;
  /** The CA certificate (PEM): what clients trust. */
  caPem: string;
  keystore: string;
  truststore: string;
  storePassword: string;
  kafka: { mechanism: 'SCRAM-SHA-512'; username: string; password: string };
  registry: { username: string; password: string };
}

type Credentials = Pick<SecureMaterial, 'storePassword' | 'kafka' | 'registry'>;

const CREDENTIALS_FILE = 'credentials.json';
const KEYTOOL_INSTALL = 'keytool comes with the JDK: install openjdk-17-jdk-headless (or set JAVA_HOME)';
const STOREPASS_ENV = 'STREAMFLOW_STOREPASS';

/** The material of `dir`, created on first use (later calls reuse it, so clients keep working). */
export async function ensureSecureMaterial(dir: string, env: NodeJS.ProcessEnv): Promise<SecureMaterial> {
  const existing = await readSecureMaterial(dir);
  if (existing) return existing;
  await fs.rm(dir, { recursive: true, force: true });
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const creds: Credentials = {
    storePassword: randomSecret(),
    kafka: { mechanism: 'SCRAM-SHA-512', username: 'streamflow', password: randomSecret() },
    registry: { username: 'streamflow', password: randomSecret() },
  };
  const material = materialOf(dir, creds);
  await makeCertificates(material, env);
  await writePrivate(path.join(dir, CREDENTIALS_FILE), JSON.stringify(creds, null, 2));
  return material;
}

export async function readSecureMaterial(dir: string): Promise<SecureMaterial | null> {
  const file = path.join(dir, CREDENTIALS_FILE);
  if (!(await pathExists(file))) return null;
  return materialOf(dir, JSON.parse(await fs.readFile(file, 'utf8')) as Credentials);
}

/** Write a file only its owner can read (mode applied even when the file already existed). */
export async function writePrivate(file: string, text: string): Promise<void> {
  await fs.writeFile(file, text, { mode: 0o600 });
  await fs.chmod(file, 0o600);
}

function materialOf(dir: string, creds: Credentials): SecureMaterial {
  return { dir, caPem: path.join(dir, 'ca.pem'), keystore: path.join(dir, 'broker.p12'), truststore: path.join(dir, 'truststore.p12'), ...creds };
}

/** 32 random bytes as base64url: safe in properties files, JAAS strings and URLs. */
function randomSecret(): string {
  return crypto.randomBytes(32).toString('base64url');
}

/**
 * A self-signed CA, and a broker certificate it signs for 127.0.0.1 and localhost, with
 * keytool (part of the JDK the stack needs anyway). Store passwords travel in the environment.
 */
async function makeCertificates(m: SecureMaterial, env: NodeJS.ProcessEnv): Promise<void> {
  const keytool = env.JAVA_HOME ? `${env.JAVA_HOME}/bin/keytool` : 'keytool';
  const ca = path.join(m.dir, 'ca.p12');
  const csr = path.join(m.dir, 'broker.csr');
  const signed = path.join(m.dir, 'broker.pem');
  const toolEnv = { ...env, [STOREPASS_ENV]: m.storePassword };
  const run = (args: string[]) => runTool(keytool, [...args, '-storetype', 'PKCS12', `-storepass:env`, STOREPASS_ENV], { env: toolEnv, install: KEYTOOL_INSTALL, timeoutMs: 60_000 });
  const san = 'SAN=ip:127.0.0.1,dns:localhost';

  // Independent steps run side by side: each keytool is a JVM start.
  await Promise.all([
    run(['-genkeypair', '-alias', 'ca', '-keyalg', 'EC', '-groupname', 'secp256r1', '-validity', '3650', '-dname', 'CN=streamflow local CA', '-ext', 'bc:c', '-keystore', ca]).then(() =>
      run(['-exportcert', '-rfc', '-alias', 'ca', '-keystore', ca, '-file', m.caPem]),
    ),
    run(['-genkeypair', '-alias', 'broker', '-keyalg', 'EC', '-groupname', 'secp256r1', '-validity', '3650', '-dname', 'CN=127.0.0.1', '-ext', san, '-keystore', m.keystore]).then(() =>
      run(['-certreq', '-alias', 'broker', '-keystore', m.keystore, '-file', csr]),
    ),
  ]);
  await run(['-gencert', '-alias', 'ca', '-keystore', ca, '-infile', csr, '-outfile', signed, '-rfc', '-validity', '3650', '-ext', san, '-ext', 'KU=digitalSignature', '-ext', 'EKU=serverAuth,clientAuth']);
  await Promise.all([
    // The chain must start at the CA for keytool to accept the signed reply.
    run(['-importcert', '-noprompt', '-alias', 'ca', '-file', m.caPem, '-keystore', m.keystore]).then(() =>
      run(['-importcert', '-noprompt', '-alias', 'broker', '-file', signed, '-keystore', m.keystore]),
    ),
    run(['-importcert', '-noprompt', '-alias', 'ca', '-file', m.caPem, '-keystore', m.truststore]),
  ]);
  await Promise.all([csr, signed].map((f) => fs.rm(f, { force: true })));
  await Promise.all([ca, m.keystore, m.truststore].map((f) => fs.chmod(f, 0o600)));
}
