import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The users the control plane knows, each with a static bearer token:
 *
 * - `admin` — `system:masters`, for setup and assertions.
 * - `runner-fleet-backend` — the Runner Fleet backend, bound to the roles in `k8s/rbac/`.
 * - `runner-fleet-portal-viewer` — the Backstage Kubernetes plugin: read-only, no Secrets
 *   (`k8s/rbac/runner-fleet-portal-viewer.*.yaml`).
 * - `fleet-simulator` — plays KubeVirt, CDI and KEDA controllers; `system:masters`.
 * - `alice` — authenticated but granted nothing: every request is forbidden.
 * - `kube-controller-manager` — user `system:kube-controller-manager`, bound by kube-apiserver's
 *   own bootstrap RBAC; its controllers run as their service accounts in `kube-system`.
 * - `keda-operator`, `keda-metrics-apiserver` — the real KEDA, bound to KEDA's own roles (see
 *   `startControllers`).
 *
 * @public
 */
export const IDENTITIES = [
  'admin',
  'runner-fleet-backend',
  'runner-fleet-portal-viewer',
  'fleet-simulator',
  'alice',
  'kube-controller-manager',
  'keda-operator',
  'keda-metrics-apiserver',
] as const;

/** One of {@link IDENTITIES}. @public */
export type Identity = (typeof IDENTITIES)[number];

/** Bearer tokens by identity. @public */
export type IdentityTokens = Record<Identity, string>;

const GROUPS: Record<Identity, string[]> = {
  admin: ['system:masters'],
  'runner-fleet-backend': [],
  'runner-fleet-portal-viewer': [],
  'fleet-simulator': ['system:masters'],
  alice: [],
  'kube-controller-manager': [],
  'keda-operator': [],
  'keda-metrics-apiserver': [],
};

/**
 * The user name kube-apiserver sees for an identity: the identity itself, except where upstream's
 * bootstrap RBAC expects a fixed name.
 *
 * @public
 */
export function userNameOf(identity: Identity): string {
  return identity === 'kube-controller-manager'
    ? 'system:kube-controller-manager'
    : identity;
}

/** Files the kube-apiserver reads for authentication and service-account tokens. */
export interface CredentialFiles {
  tokens: IdentityTokens;
  tokenFile: string;
  serviceAccountKeyFile: string;
  serviceAccountPublicKeyFile: string;
}

function isTokens(value: unknown): value is Partial<Record<Identity, string>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readTokens(file: string): Partial<Record<Identity, string>> {
  if (!existsSync(file)) return {};
  const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
  return isTokens(parsed) ? parsed : {};
}

/**
 * Creates, or reuses when present in `dir`, the service-account signing key pair (ECDSA P-256,
 * made with node:crypto) and one token per identity. Reuse keeps service-account tokens and
 * kubeconfigs of a persistent local control plane valid across restarts.
 */
export function ensureCredentials(dir: string): CredentialFiles {
  const serviceAccountKeyFile = join(dir, 'sa.key');
  const serviceAccountPublicKeyFile = join(dir, 'sa.pub');
  if (
    !existsSync(serviceAccountKeyFile) ||
    !existsSync(serviceAccountPublicKeyFile)
  ) {
    const { privateKey, publicKey } = generateKeyPairSync('ec', {
      namedCurve: 'prime256v1',
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    writeFileSync(serviceAccountKeyFile, privateKey, { mode: 0o600 });
    writeFileSync(serviceAccountPublicKeyFile, publicKey);
  }

  const tokensJson = join(dir, 'tokens.json');
  const known = readTokens(tokensJson);
  const tokens = {} as IdentityTokens;
  for (const identity of IDENTITIES) {
    const existing = known[identity];
    tokens[identity] =
      typeof existing === 'string' && /^[0-9a-f]{32,}$/.test(existing)
        ? existing
        : randomBytes(24).toString('hex');
  }
  writeFileSync(tokensJson, `${JSON.stringify(tokens, null, 2)}\n`, {
    mode: 0o600,
  });

  // kube-apiserver's --token-auth-file: token,user,uid,"group1,group2"
  const tokenFile = join(dir, 'tokens.csv');
  const lines = IDENTITIES.map(identity => {
    const groups = GROUPS[identity];
    const user = `${tokens[identity]},${userNameOf(identity)},${identity}`;
    // An empty 4th column would become a group named "".
    return groups.length ? `${user},"${groups.join(',')}"` : user;
  });
  writeFileSync(tokenFile, `${lines.join('\n')}\n`, { mode: 0o600 });

  return {
    tokens,
    tokenFile,
    serviceAccountKeyFile,
    serviceAccountPublicKeyFile,
  };
}
