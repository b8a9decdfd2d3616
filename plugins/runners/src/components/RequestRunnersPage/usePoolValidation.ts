import { useApi } from '@backstage/core-plugin-api';
import {
  FieldError,
  FlavorCatalog,
  PoolSpec,
  customFlavorNeedsApproval,
  validatePoolSpec,
} from '@runner-fleet/plugin-runners-common';
import {
  PoolValidation,
  runnersApiRef,
} from '@runner-fleet/plugin-runners-react';
import { useRef, useState } from 'react';
import useDebounce from 'react-use/esm/useDebounce';
import { isSendable } from './poolForm';

/** The outcome of checking the form: the client's rules at once, the server's after a pause. */
export interface FormValidation {
  /** Client and (current) server findings together. */
  errors: FieldError[];
  /** The server's answer for exactly this spec, if it came. */
  server?: PoolValidation;
  /** The server is being asked about the current spec. */
  checking: boolean;
  /** Why the server could not check, if it could not. */
  serverError?: Error;
  /** A custom shape above the approval thresholds, by the client's reckoning. */
  customNeedsApproval: boolean;
}

/**
 * Validates a spec as it is typed: `validatePoolSpec` on every change, and a debounced
 * POST /pools/validate whose answer counts only while the spec is unchanged.
 */
export function usePoolValidation(
  spec: PoolSpec,
  catalog: FlavorCatalog,
  debounceMs = 400,
): FormValidation {
  const api = useApi(runnersApiRef);
  const key = JSON.stringify(spec);
  const latest = useRef(key);
  latest.current = key;
  const [answer, setAnswer] = useState<{
    key: string;
    value?: PoolValidation;
    error?: Error;
  }>();

  useDebounce(
    () => {
      if (!isSendable(spec)) return;
      // An answer for a spec the user has since changed is dropped, not shown.
      const keep = (next: {
        key: string;
        value?: PoolValidation;
        error?: Error;
      }) => {
        if (next.key === latest.current) setAnswer(next);
      };
      api.validatePool(spec).then(
        value => keep({ key, value }),
        error => keep({ key, error }),
      );
    },
    debounceMs,
    [key],
  );

  const client = validatePoolSpec(spec, catalog);
  const current = answer?.key === key ? answer : undefined;
  const server = current?.value;
  // Only a shape inside the bounds can be approved; outside them, the field errors say why.
  const customNeedsApproval =
    typeof spec.flavor !== 'string' &&
    !client.some(e => e.field.startsWith('flavor')) &&
    customFlavorNeedsApproval(spec.flavor, catalog.custom);
  return {
    errors: [...client, ...(server?.errors ?? [])],
    server,
    checking: !current && isSendable(spec),
    serverError: current?.error,
    customNeedsApproval,
  };
}
