import { LabelSelector } from './objects';

/** Go's string order (bytes), which `labels.Selector.String()` sorts by. */
function byteOrder(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/**
 * The string form of a label selector, as `metav1.FormatLabelSelector` writes it into
 * `.status.labelSelector` (what the HPA and KEDA read through the scale subresource): requirements
 * sorted by key, `k=v`, `k in (a,b)`, `k notin (a)`, `k`, `!k`, joined by commas.
 */
export function formatLabelSelector(
  selector: LabelSelector | undefined,
): string {
  if (!selector) return '';
  const requirements: Array<[string, string]> = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    requirements.push([key, `${key}=${value}`]);
  }
  for (const expr of selector.matchExpressions ?? []) {
    const values = [...(expr.values ?? [])].sort().join(',');
    switch (expr.operator) {
      case 'In':
        requirements.push([expr.key, `${expr.key} in (${values})`]);
        break;
      case 'NotIn':
        requirements.push([expr.key, `${expr.key} notin (${values})`]);
        break;
      case 'Exists':
        requirements.push([expr.key, expr.key]);
        break;
      case 'DoesNotExist':
        requirements.push([expr.key, `!${expr.key}`]);
        break;
      default:
        throw new Error(`unknown label selector operator '${expr.operator}'`);
    }
  }
  return requirements
    .sort((a, b) => byteOrder(a[0], b[0]))
    .map(([, text]) => text)
    .join(',');
}

/** Whether `labels` satisfy `selector`. An empty selector matches everything. */
export function matchesSelector(
  selector: LabelSelector | undefined,
  labels: Record<string, string> | undefined,
): boolean {
  const actual = labels ?? {};
  for (const [key, value] of Object.entries(selector?.matchLabels ?? {})) {
    if (actual[key] !== value) return false;
  }
  for (const expr of selector?.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(actual, expr.key);
    const values = expr.values ?? [];
    switch (expr.operator) {
      case 'In':
        if (!has || !values.includes(actual[expr.key])) return false;
        break;
      case 'NotIn':
        if (has && values.includes(actual[expr.key])) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}
