import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';

/** The subset of a CRD's structural OpenAPI v3 schema that the check understands. */
export interface StructuralSchema {
  type?: string;
  properties?: Record<string, StructuralSchema>;
  additionalProperties?: StructuralSchema | boolean;
  items?: StructuralSchema;
  required?: string[];
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  pattern?: string;
  maxLength?: number;
  nullable?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
}

interface Crd {
  spec: {
    group: string;
    names: { kind: string };
    versions: {
      name: string;
      schema: { openAPIV3Schema: StructuralSchema };
    }[];
  };
}

/**
 * The folder of upstream CRDs (`shared/reference/crds`), looked up from `from` (default: the
 * working directory, the package or the repository root under Jest) towards the root: the
 * repository's sibling `shared/` in a work tree and in CI. Undefined when absent.
 */
export function findCrdDir(from: string = process.cwd()): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'shared', 'reference', 'crds');
    if (existsSync(candidate)) {
      return candidate;
    }
    if (dirname(dir) === dir) {
      return undefined;
    }
  }
}

/** The openAPIV3Schema of one version of a CRD file. */
export function loadCrdSchema(file: string, version: string): StructuralSchema {
  const crd = parseYaml(readFileSync(file, 'utf8')) as Crd;
  const found = crd.spec.versions.find(v => v.name === version);
  if (!found) {
    throw new Error(`${file} has no version ${version}`);
  }
  return found.schema.openAPIV3Schema;
}

function typeOk(value: unknown, schema: StructuralSchema): boolean {
  if (schema['x-kubernetes-int-or-string']) {
    return Number.isInteger(value) || typeof value === 'string';
  }
  switch (schema.type) {
    case 'object':
      return (
        value !== null && typeof value === 'object' && !Array.isArray(value)
      );
    case 'array':
      return Array.isArray(value);
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number';
    case 'string':
    case 'boolean':
      return typeof value === schema.type;
    default:
      return true;
  }
}

/**
 * Checks a value against a structural schema the way the API server prunes and validates it:
 * unknown fields (which the server would silently drop), wrong types, enums, bounds, required
 * fields. CEL rules are not evaluated. Returns one message per problem, with its path.
 */
export function schemaErrors(
  value: unknown,
  schema: StructuralSchema,
  path = '',
): string[] {
  if (value === null && schema.nullable) return [];
  if (!typeOk(value, schema)) {
    return [
      `${path}: expected ${
        schema.type ?? 'int-or-string'
      }, got ${JSON.stringify(value)}`,
    ];
  }
  const errors: string[] = [];
  if (schema.enum && !schema.enum.includes(value)) {
    errors.push(
      `${path}: ${JSON.stringify(value)} not in ${JSON.stringify(schema.enum)}`,
    );
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum)
      errors.push(`${path}: below ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum)
      errors.push(`${path}: above ${schema.maximum}`);
  }
  if (typeof value === 'string') {
    if (schema.pattern && !new RegExp(schema.pattern).test(value))
      errors.push(`${path}: does not match ${schema.pattern}`);
    if (schema.maxLength !== undefined && value.length > schema.maxLength)
      errors.push(`${path}: longer than ${schema.maxLength}`);
  }
  if (Array.isArray(value) && schema.items) {
    value.forEach((item, i) =>
      errors.push(...schemaErrors(item, schema.items!, `${path}[${i}]`)),
    );
  }
  if (
    schema.type === 'object' &&
    value &&
    typeof value === 'object' &&
    !Array.isArray(value)
  ) {
    const object = value as Record<string, unknown>;
    for (const key of schema.required ?? []) {
      if (!(key in object)) errors.push(`${path}.${key}: required`);
    }
    for (const [key, member] of Object.entries(object)) {
      const sub =
        schema.properties?.[key] ??
        (typeof schema.additionalProperties === 'object'
          ? schema.additionalProperties
          : undefined);
      if (sub) {
        errors.push(...schemaErrors(member, sub, `${path}.${key}`));
      } else if (
        !schema['x-kubernetes-preserve-unknown-fields'] &&
        schema.additionalProperties !== true
      ) {
        errors.push(`${path}.${key}: unknown field`);
      }
    }
  }
  return errors;
}
