import { KubeClient } from '../kube/KubeClient';
import { KubeObject } from '../kube/objects';
import {
  CLUSTER_TRIGGER_AUTHENTICATION,
  TRIGGER_AUTHENTICATION,
} from '../kube/resources';
import { Trigger } from './types';

/** Namespace where KEDA looks up Secrets of ClusterTriggerAuthentications (its own). */
const KEDA_NAMESPACE = 'keda';

/** How long KEDA waits for a metrics endpoint (`KEDA_HTTP_DEFAULT_TIMEOUT`, 3 s). */
const HTTP_TIMEOUT_MS = 3000;

interface TriggerAuthentication extends KubeObject {
  spec?: {
    secretTargetRef?: Array<{ parameter: string; name: string; key: string }>;
  };
}

/**
 * The auth parameters of a trigger: each `secretTargetRef` of its (Cluster)TriggerAuthentication
 * resolved to the Secret's value. Throws with KEDA-like messages when something is missing.
 */
export async function resolveAuthParams(
  kube: KubeClient,
  namespace: string,
  trigger: Trigger,
): Promise<Record<string, string>> {
  const ref = trigger.authenticationRef;
  if (!ref) return {};
  const cluster = ref.kind === 'ClusterTriggerAuthentication';
  const auth = await kube.get<TriggerAuthentication>(
    cluster ? CLUSTER_TRIGGER_AUTHENTICATION : TRIGGER_AUTHENTICATION,
    namespace,
    ref.name,
  );
  if (!auth) {
    throw new Error(
      `error getting ${
        cluster ? 'clusterTriggerAuthentication' : 'triggerAuth'
      } ${ref.name}: not found`,
    );
  }
  const params: Record<string, string> = {};
  const secretNamespace = cluster ? KEDA_NAMESPACE : namespace;
  for (const target of auth.spec?.secretTargetRef ?? []) {
    const data = await kube.secretData(secretNamespace, target.name);
    const value = data?.[target.key];
    if (value === undefined) {
      throw new Error(
        `error trying to get secret ${target.name} key ${target.key} in namespace ${secretNamespace}`,
      );
    }
    params[target.parameter] = value;
  }
  return params;
}

/**
 * The number at a GJSON path (the subset KEDA users write: `a.b.c`, array indexes `items.0`,
 * `\.` for a literal dot). Strings holding quantities ("3", "1.5") count as numbers.
 */
export function valueAt(document: unknown, path: string): number {
  const parts = path.split(/(?<!\\)\./).map(p => p.replace(/\\\./g, '.'));
  let node: unknown = document;
  for (const part of parts) {
    if (Array.isArray(node) && /^\d+$/.test(part)) node = node[Number(part)];
    else if (node && typeof node === 'object')
      node = (node as Record<string, unknown>)[part];
    else node = undefined;
  }
  if (typeof node === 'number') return node;
  if (
    typeof node === 'string' &&
    node.trim() !== '' &&
    !Number.isNaN(Number(node))
  )
    return Number(node);
  let kind = 'False';
  if (node === undefined || node === null) kind = 'Null';
  else if (typeof node === 'object') kind = 'JSON';
  else if (typeof node === 'string') kind = 'String';
  throw new Error(
    `valueLocation must point to value of type number or a string representing a Quantity got: '${kind}'`,
  );
}

/** Reads one `metrics-api` trigger's value: GET the URL with its auth, then `valueLocation`. */
export async function fetchMetricsApiValue(
  metadata: Record<string, string>,
  auth: Record<string, string>,
): Promise<number> {
  const url = new URL(metadata.url);
  const headers: Record<string, string> = { accept: 'application/json' };
  const mode = (auth.authMode ?? metadata.authMode ?? '').toLowerCase();
  if (mode === 'bearer') {
    headers.authorization = `Bearer ${auth.token ?? ''}`;
  } else if (mode === 'basic') {
    headers.authorization = `Basic ${Buffer.from(
      `${auth.username ?? ''}:${auth.password ?? ''}`,
    ).toString('base64')}`;
  } else if (mode === 'apikey') {
    if ((metadata.method ?? 'header') === 'query') {
      url.searchParams.set(
        metadata.keyParamName ?? 'api_key',
        auth.apiKey ?? '',
      );
    } else {
      headers[metadata.keyParamName ?? 'X-API-KEY'] = auth.apiKey ?? '';
    }
  }
  const format = metadata.format ?? 'json';
  if (format !== 'json')
    throw new Error(`format ${format} not supported by the simulator`);
  const response = await fetch(url, {
    headers,
    signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
  });
  const body = await response.text();
  if (response.status !== 200) {
    throw new Error(`${url.pathname}: api returned ${response.status}`);
  }
  return valueAt(JSON.parse(body) as unknown, metadata.valueLocation ?? '');
}

/** KEDA's external metric name of a trigger: `s<index>-metric-api-<valueLocation normalised>`. */
export function externalMetricName(index: number, trigger: Trigger): string {
  const location = (trigger.metadata?.valueLocation ?? '').replace(
    /[/.:%()]/g,
    '-',
  );
  const base =
    trigger.type === 'metrics-api' ? `metric-api-${location}` : trigger.type;
  return `s${index}-${base}`;
}
