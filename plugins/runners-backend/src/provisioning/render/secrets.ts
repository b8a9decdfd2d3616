import { withTemplateHash } from './hash';
import { poolLabels } from './names';
import { KubeObject } from './types';
import { RenderContext } from './context';

/** Base64 of UTF-8 text, as Secret `data` holds it. */
export function toBase64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

/** Text of one key of a rendered Secret's `data`, or undefined. */
export function secretText(
  secret: KubeObject,
  key: string,
): string | undefined {
  const data = secret.data as Record<string, string> | undefined;
  const value = data?.[key];
  return value === undefined
    ? undefined
    : Buffer.from(value, 'base64').toString('utf8');
}

/**
 * An Opaque Secret of the pool. Values go to `data` (base64), the form the API server stores and
 * returns, so a live object compares equal to its rendering; `stringData` is write-only.
 */
export function renderSecret(
  ctx: RenderContext,
  name: string,
  entries: Record<string, string>,
): KubeObject {
  const data: Record<string, string> = {};
  for (const key of Object.keys(entries).sort()) {
    data[key] = toBase64(entries[key]);
  }
  return withTemplateHash({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name,
      namespace: ctx.namespace,
      labels: poolLabels(ctx.input),
    },
    type: 'Opaque',
    data,
  });
}

/** The pool's runner token, key `token`: the reconciler's record of the `glrt-` token. */
export function renderTokenSecret(ctx: RenderContext): KubeObject {
  return renderSecret(ctx, ctx.names.tokenSecret, {
    token: ctx.input.runnerToken,
  });
}

/**
 * The bearer token KEDA sends to the scaling-metrics endpoint, key `token` (the name of the
 * metrics-api `token` auth parameter it is mapped to).
 */
export function renderMetricsAuthSecret(ctx: RenderContext): KubeObject {
  return renderSecret(ctx, ctx.names.metricsAuthSecret, {
    token: ctx.input.scaling.metricsToken,
  });
}
