type Schema = {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  examples?: unknown[];
  minimum?: number;
  minLength?: number;
  pattern?: string;
  format?: string;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
};

/** Placeholder strings that read as what the field wants (`<hostId>`), never as real values. */
const placeholder = (name: string) => `<${name}>`;

/** The variant of a union an example is made from: its first that is not null. */
function firstVariant(schema: Schema): Schema | undefined {
  const variants = schema.anyOf ?? schema.oneOf ?? schema.allOf;
  return variants?.length ? (variants.find((v) => v.type !== "null") ?? variants[0]) : undefined;
}

/**
 * A minimal request body for an operation's JSON Schema, for its curl example: the required
 * fields only, each with its enum's first value, its default, its minimum, or a `<name>`
 * placeholder. What the operator must fill in reads as a placeholder; the API's 400 names any
 * field still wrong.
 */
export function exampleFromSchema(schema: Schema | undefined, name = "value", depth = 0): unknown {
  if (!schema || depth > 6) return placeholder(name);
  if (schema.const !== undefined) return schema.const;
  if (schema.examples?.length) return schema.examples[0];
  if (schema.enum?.length) return schema.enum[0];
  if (schema.default !== undefined) return schema.default;
  const variant = firstVariant(schema);
  if (variant) return exampleFromSchema(variant, name, depth + 1);
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== "null") : schema.type;
  switch (type) {
    case "object": {
      const out: Record<string, unknown> = {};
      for (const key of schema.required ?? []) out[key] = exampleFromSchema(schema.properties?.[key], key, depth + 1);
      return out;
    }
    case "array":
      return [exampleFromSchema(schema.items, name, depth + 1)];
    case "integer":
    case "number":
      return schema.minimum ?? 1;
    case "boolean":
      return false;
    default:
      return placeholder(name);
  }
}

/**
 * A curl command line for one operation: the control plane's URL from `$VFLEET_URL` and the
 * bearer token from `$VFLEET_TOKEN`, path parameters as `<name>` placeholders, and a minimal JSON
 * body when the operation takes one (with `dryRun: true` where the operation has a preview).
 */
export function curlExample(method: string, path: string, body: Schema | undefined, isPublic: boolean): string {
  const lines = [`curl -sS -X ${method.toUpperCase()} "$VFLEET_URL${path.replace(/\{([^}]+)\}/g, "<$1>")}"`];
  if (!isPublic) lines.push(`  -H "Authorization: Bearer $VFLEET_TOKEN"`);
  if (body) {
    // A change that can be previewed is shown as its preview: pasting an example never changes a host.
    const example = exampleFromSchema(body) as Record<string, unknown>;
    if ((firstVariant(body) ?? body).properties?.dryRun) example.dryRun = true;
    lines.push(`  -H 'Content-Type: application/json'`);
    lines.push(`  -d '${JSON.stringify(example).replace(/'/g, "'\\''")}'`);
  }
  return lines.join(" \\\n");
}
