import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A certificate authority on disk. */
export interface CertificateAuthority {
  certFile: string;
  keyFile: string;
}

/** A key pair with a certificate signed by a {@link CertificateAuthority}. */
export interface IssuedCertificate {
  certFile: string;
  keyFile: string;
}

/**
 * Runs the openssl CLI. node:crypto can make keys but not X.509 certificates; openssl is part of
 * every Debian image (and already used by tools/k8s-testenv/smoke.sh).
 */
function openssl(args: string[]): void {
  try {
    execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    const stderr =
      error instanceof Error && 'stderr' in error
        ? String((error as { stderr: unknown }).stderr)
        : String(error);
    throw new Error(
      `openssl ${args[0]} failed (install Debian's openssl package if it is missing): ${stderr}`,
    );
  }
}

const KEY_ARGS = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'];
const TEN_YEARS = '3650';

/**
 * Creates (or reuses, when both files exist) a self-signed CA `<dir>/<name>.crt|key`. Reuse keeps
 * a persistent control plane's certificates valid across restarts.
 */
export function ensureCa(dir: string, name: string): CertificateAuthority {
  mkdirSync(dir, { recursive: true });
  const certFile = join(dir, `${name}.crt`);
  const keyFile = join(dir, `${name}.key`);
  if (!existsSync(certFile) || !existsSync(keyFile)) {
    openssl([
      'req',
      '-x509',
      ...KEY_ARGS,
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      TEN_YEARS,
      '-subj',
      `/CN=${name}`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign,digitalSignature',
    ]);
  }
  return { certFile, keyFile };
}

/**
 * Issues (or reuses) `<dir>/<name>.crt|key` signed by `ca`, with the common name, subject
 * alternative names (`DNS:…`, `IP:…`) and extended key usages given.
 */
export function ensureCertificate(options: {
  dir: string;
  name: string;
  ca: CertificateAuthority;
  commonName: string;
  altNames?: string[];
  usages: Array<'serverAuth' | 'clientAuth'>;
}): IssuedCertificate {
  const { dir, name, ca } = options;
  mkdirSync(dir, { recursive: true });
  const certFile = join(dir, `${name}.crt`);
  const keyFile = join(dir, `${name}.key`);
  if (existsSync(certFile) && existsSync(keyFile)) return { certFile, keyFile };
  const csr = join(dir, `${name}.csr`);
  const ext = join(dir, `${name}.ext`);
  openssl([
    'req',
    ...KEY_ARGS,
    '-nodes',
    '-keyout',
    keyFile,
    '-out',
    csr,
    '-subj',
    `/CN=${options.commonName}`,
  ]);
  const lines = [
    'basicConstraints=critical,CA:FALSE',
    'keyUsage=critical,digitalSignature,keyEncipherment',
    `extendedKeyUsage=${options.usages.join(',')}`,
  ];
  if (options.altNames?.length) {
    lines.push(`subjectAltName=${options.altNames.join(',')}`);
  }
  writeFileSync(ext, `${lines.join('\n')}\n`);
  openssl([
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    ca.certFile,
    '-CAkey',
    ca.keyFile,
    '-CAcreateserial',
    '-out',
    certFile,
    '-days',
    TEN_YEARS,
    '-extfile',
    ext,
  ]);
  return { certFile, keyFile };
}

/** Files for kube-apiserver's aggregation layer (front proxy to extension API servers). */
export interface FrontProxyFiles {
  /** `--requestheader-client-ca-file`: extension servers trust request headers signed by it. */
  caFile: string;
  /** `--proxy-client-cert-file` / `--proxy-client-key-file`: kube-apiserver's client cert. */
  clientCertFile: string;
  clientKeyFile: string;
}

/** The common name of the front-proxy client certificate (`--requestheader-allowed-names`). */
export const FRONT_PROXY_CLIENT_NAME = 'front-proxy-client';

/**
 * Creates (or reuses) the front-proxy CA and client certificate under `<dir>/front-proxy`, as
 * kubeadm does: a CA of its own, separate from anything that signs user certificates, so the
 * request headers an extension API server trusts cannot be forged with a user's certificate.
 */
export function ensureFrontProxy(dir: string): FrontProxyFiles {
  const certDir = join(dir, 'front-proxy');
  const ca = ensureCa(certDir, 'front-proxy-ca');
  const client = ensureCertificate({
    dir: certDir,
    name: FRONT_PROXY_CLIENT_NAME,
    ca,
    commonName: FRONT_PROXY_CLIENT_NAME,
    usages: ['clientAuth'],
  });
  return {
    caFile: ca.certFile,
    clientCertFile: client.certFile,
    clientKeyFile: client.keyFile,
  };
}

/** Base64 of a PEM file, e.g. for an APIService `caBundle`. */
export function base64Of(file: string): string {
  return readFileSync(file).toString('base64');
}
