import { Json, paramsError } from './errors';
import { RawParams } from './requestParsing';

/** Grape parameter types the runner and jobs endpoints use. */
export type ParamType =
  | 'string'
  | 'integer'
  | 'boolean'
  /** `Array[String]` with `CommaSeparatedToArray` (tag lists). */
  | 'stringList'
  /** The jobs API's `scope`: a string, a list, or a `scope[0]=` hash. */
  | 'scopeList'
  /** `types: [String, Integer]`, e.g. a project id or full path. */
  | 'id'
  | 'hash';

/** One declared parameter. */
export interface ParamSpec {
  name: string;
  type: ParamType;
  required?: boolean;
  /** Allowed values; integers are compared as their decimal text. */
  values?: readonly string[];
  default?: string | number | boolean;
  regexp?: RegExp;
  /** A Grape `given` block: the parameter exists only when this holds. */
  when?: (raw: RawParams) => boolean;
}

/** The `params do ... end` block of an endpoint. */
export interface ParamRules {
  params: ParamSpec[];
  atLeastOneOf?: string[];
  mutuallyExclusive?: string[][];
}

type Coerced = string | number | boolean | string[] | RawParams | null;

const TRUE = new Set(['true', '1', 't', 'yes', 'y', 'on']);
const FALSE = new Set(['false', '0', 'f', 'no', 'n', 'off']);
const INVALID = Symbol('invalid');

function coerce(type: ParamType, value: Json): Coerced | typeof INVALID {
  if (value === null) {
    return null;
  }
  switch (type) {
    case 'string':
      return typeof value === 'object' ? INVALID : String(value);
    case 'id':
      return typeof value === 'string' || typeof value === 'number'
        ? String(value)
        : INVALID;
    case 'integer': {
      const text = String(value).trim();
      return typeof value !== 'object' && /^[+-]?\d+$/.test(text)
        ? Number(text)
        : INVALID;
    }
    case 'boolean': {
      const text = String(value).toLowerCase();
      if (typeof value === 'object') return INVALID;
      if (TRUE.has(text)) return true;
      return FALSE.has(text) ? false : INVALID;
    }
    case 'stringList':
      if (typeof value === 'string') return value.split(',').map(s => s.trim());
      if (Array.isArray(value)) {
        return value.flatMap(v =>
          String(v)
            .split(',')
            .map(s => s.trim()),
        );
      }
      return [];
    case 'scopeList':
      if (typeof value === 'string') return [value];
      if (Array.isArray(value)) return value.map(String);
      if (typeof value === 'object') return Object.values(value).map(String);
      return ['unknown'];
    default:
      return typeof value === 'object' && !Array.isArray(value)
        ? (value as RawParams)
        : INVALID;
  }
}

/** Declared, coerced parameters of one request. */
export class Params {
  readonly #values: Map<string, Coerced>;
  /** Everything Grape's `params` holds: raw input plus coerced declared values. */
  readonly all: RawParams;

  constructor(values: Map<string, Coerced>, all: RawParams) {
    this.#values = values;
    this.all = all;
  }

  has(name: string): boolean {
    return this.#values.has(name);
  }

  string(name: string): string | undefined {
    const v = this.#values.get(name);
    return typeof v === 'string' ? v : undefined;
  }

  /** A string that may be explicitly null (`undefined` when not given). */
  nullableString(name: string): string | null | undefined {
    const v = this.#values.get(name);
    return v === null || typeof v === 'string' ? v : undefined;
  }

  int(name: string): number | undefined {
    const v = this.#values.get(name);
    return typeof v === 'number' ? v : undefined;
  }

  nullableInt(name: string): number | null | undefined {
    const v = this.#values.get(name);
    return v === null || typeof v === 'number' ? v : undefined;
  }

  bool(name: string): boolean | undefined {
    const v = this.#values.get(name);
    return typeof v === 'boolean' ? v : undefined;
  }

  list(name: string): string[] | undefined {
    const v = this.#values.get(name);
    return Array.isArray(v) ? v : undefined;
  }

  hash(name: string): RawParams | undefined {
    const v = this.#values.get(name);
    return v && typeof v === 'object' && !Array.isArray(v) ? v : undefined;
  }
}

/**
 * Validates and coerces like Grape: missing required parameters, values
 * outside the allowed list and uncoercible values all answer 400
 * `{"error": "<param> is missing, <param> does not have a valid value"}`.
 */
export function declareParams(raw: RawParams, rules: ParamRules): Params {
  const errors: string[] = [];
  const values = new Map<string, Coerced>();
  const all: RawParams = { ...raw };
  for (const spec of rules.params) {
    if (spec.when && !spec.when(raw)) {
      continue;
    }
    const input = raw[spec.name];
    if (input === undefined || (input === null && spec.required)) {
      if (spec.required) {
        errors.push(`${spec.name} is missing`);
      } else if (spec.default !== undefined) {
        values.set(spec.name, spec.default);
        all[spec.name] = spec.default;
      }
      continue;
    }
    const value = coerce(spec.type, input);
    if (value === INVALID) {
      errors.push(`${spec.name} is invalid`);
      continue;
    }
    const asList = Array.isArray(value) ? value : [value];
    if (
      spec.values &&
      value !== null &&
      !asList.every(
        v =>
          (typeof v === 'string' || typeof v === 'number') &&
          spec.values!.includes(String(v)),
      )
    ) {
      errors.push(`${spec.name} does not have a valid value`);
      continue;
    }
    if (spec.regexp && typeof value === 'string' && !spec.regexp.test(value)) {
      errors.push(`${spec.name} is invalid`);
      continue;
    }
    values.set(spec.name, value);
    all[spec.name] = value;
  }
  for (const group of rules.mutuallyExclusive ?? []) {
    if (group.filter(name => values.has(name)).length > 1) {
      errors.push(`${group.join(', ')} are mutually exclusive`);
    }
  }
  const oneOf = rules.atLeastOneOf;
  if (oneOf && !oneOf.some(name => values.has(name))) {
    errors.push(
      `${oneOf.join(
        ', ',
      )} are missing, at least one parameter must be provided`,
    );
  }
  if (errors.length > 0) {
    throw paramsError([...new Set(errors)]);
  }
  return new Params(values, all);
}

/** `use :pagination` */
export const PAGINATION_PARAMS: ParamSpec[] = [
  { name: 'page', type: 'integer', default: 1 },
  { name: 'per_page', type: 'integer', default: 20 },
];

/** `use :with_custom_attributes` */
export const WITH_CUSTOM_ATTRIBUTES: ParamSpec = {
  name: 'with_custom_attributes',
  type: 'boolean',
  default: false,
};
