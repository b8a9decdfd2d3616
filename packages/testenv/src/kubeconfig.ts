import { KubeConfig } from '@kubernetes/client-node';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { stringify } from 'yaml';
import { IDENTITIES, Identity, IdentityTokens } from './credentials';

/**
 * How to reach a test-environment control plane: everything a kubeconfig needs. This is what
 * the CLI writes to `cluster.json` and the Jest global setup hands to test files.
 *
 * @public
 */
export interface ClusterConnection {
  /** API server URL, `https://127.0.0.1:<port>`. */
  server: string;
  /** Base64 of the PEM of the API server's self-signed serving certificate chain. */
  caData: string;
  /** Bearer token of each identity. */
  tokens: IdentityTokens;
}

const CLUSTER_NAME = 'runner-fleet-testenv';

function assertIdentity(identity: string): asserts identity is Identity {
  if (!(IDENTITIES as readonly string[]).includes(identity)) {
    throw new Error(
      `unknown identity '${identity}'; known: ${IDENTITIES.join(', ')}`,
    );
  }
}

/**
 * A kubeconfig (YAML) for one identity: one cluster, one user with a bearer token, one context
 * named after the identity and selected.
 *
 * @param namespace - default namespace of the context.
 * @public
 */
export function kubeconfigYamlFor(
  connection: ClusterConnection,
  identity: Identity,
  namespace?: string,
): string {
  assertIdentity(identity);
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: CLUSTER_NAME,
        cluster: {
          server: connection.server,
          'certificate-authority-data': connection.caData,
        },
      },
    ],
    users: [{ name: identity, user: { token: connection.tokens[identity] } }],
    contexts: [
      {
        name: identity,
        context: {
          cluster: CLUSTER_NAME,
          user: identity,
          ...(namespace ? { namespace } : {}),
        },
      },
    ],
    'current-context': identity,
  });
}

/**
 * A `KubeConfig` of `@kubernetes/client-node` for one identity.
 *
 * @param namespace - default namespace of the context.
 * @public
 */
export function kubeConfigFor(
  connection: ClusterConnection,
  identity: Identity,
  namespace?: string,
): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromString(kubeconfigYamlFor(connection, identity, namespace));
  return kc;
}

/** Writes a kubeconfig file (mode 0600: it holds a token), creating its directory. @public */
export function writeKubeconfigFile(
  path: string,
  connection: ClusterConnection,
  identity: Identity,
): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, kubeconfigYamlFor(connection, identity), {
    mode: 0o600,
  });
}

/** Reads a {@link ClusterConnection} JSON file (e.g. the CLI's `cluster.json`). @public */
export function readClusterConnection(path: string): ClusterConnection {
  const parsed = JSON.parse(
    readFileSync(path, 'utf8'),
  ) as Partial<ClusterConnection>;
  if (
    typeof parsed.server !== 'string' ||
    typeof parsed.caData !== 'string' ||
    typeof parsed.tokens !== 'object' ||
    parsed.tokens === null
  ) {
    throw new Error(
      `${path} is not a cluster connection file (needs server, caData, tokens)`,
    );
  }
  const tokens = parsed.tokens as Partial<IdentityTokens>;
  for (const identity of IDENTITIES) {
    if (typeof tokens[identity] !== 'string') {
      throw new Error(`${path} has no token for identity '${identity}'`);
    }
  }
  return {
    server: parsed.server,
    caData: parsed.caData,
    tokens: tokens as IdentityTokens,
  };
}
