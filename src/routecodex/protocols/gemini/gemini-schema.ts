/**
 * JSON Schema → the OpenAPI 3.0 subset Gemini accepts for function parameters and responseSchema.
 * Kept: type, description, properties, required, items, enum (strings only), nullable, anyOf and
 * format enum/date-time. Rewritten: `$ref` to `$defs`/`definitions` inlined (recursive refs become a
 * plain object), `allOf` merged, `oneOf` → anyOf, `const` string → enum of one, type arrays and null
 * members → nullable. Everything else ($schema, additionalProperties, default, examples, title,
 * patterns, bounds…) is dropped, staying inside what every Gemini model accepts (unknown or unsupported
 * schema fields fail the whole request with INVALID_ARGUMENT).
 */
import type { JsonSchema } from '../../canonical/index.js';
import { isRecord } from '../common.js';

const MAX_DEPTH = 32;
const KEPT_FORMATS: ReadonlySet<string> = new Set(['enum', 'date-time']);

interface Ctx {
  defs: Record<string, unknown>;
  refs: string[]; // refs being inlined (cycle guard)
  depth: number;
}

/** Reduces a JSON Schema to what Gemini accepts; never throws. */
export function toGeminiSchema(schema: unknown): JsonSchema {
  const root = isRecord(schema) ? schema : {};
  const defs = { ...(isRecord(root.definitions) ? root.definitions : {}), ...(isRecord(root.$defs) ? root.$defs : {}) };
  return reduce(root, { defs, refs: [], depth: 0 });
}

function resolveRef(ref: string, ctx: Ctx): unknown {
  const m = /^#\/(?:\$defs|definitions)\/(.+)$/.exec(ref);
  return m ? ctx.defs[decodeURIComponent(m[1]!).replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
}

/** allOf members merged into one schema: properties and required united, other keywords first-wins. */
function mergeAllOf(node: Record<string, unknown>, ctx: Ctx): Record<string, unknown> {
  const { allOf, ...rest } = node;
  if (!Array.isArray(allOf)) return node;
  const merged: Record<string, unknown> = { ...rest };
  for (const member of allOf) {
    const m = isRecord(member) && typeof member.$ref === 'string' ? resolveRef(member.$ref, ctx) : member;
    if (!isRecord(m)) continue;
    for (const [k, v] of Object.entries(m)) {
      if (k === 'properties' && isRecord(v)) merged.properties = { ...(isRecord(merged.properties) ? merged.properties : {}), ...v };
      else if (k === 'required' && Array.isArray(v)) merged.required = [...(Array.isArray(merged.required) ? merged.required : []), ...v];
      else if (!(k in merged)) merged[k] = v;
    }
  }
  return merged;
}

function reduce(input: unknown, ctx: Ctx): Record<string, unknown> {
  if (!isRecord(input) || ctx.depth > MAX_DEPTH) return {};
  let node = input;
  if (typeof node.$ref === 'string') {
    const ref = node.$ref;
    const target = resolveRef(ref, ctx);
    const { $ref: _ref, ...siblings } = node;
    if (!isRecord(target) || ctx.refs.includes(ref)) {
      const out: Record<string, unknown> = { type: 'object' };
      if (typeof siblings.description === 'string') out.description = siblings.description;
      return out;
    }
    return reduce({ ...target, ...siblings }, { ...ctx, refs: [...ctx.refs, ref] });
  }
  node = mergeAllOf(node, ctx);
  const inner: Ctx = { ...ctx, depth: ctx.depth + 1 };
  const out: Record<string, unknown> = {};
  let nullable = node.nullable === true;

  // type: a string, or an array of types (null → nullable; several others → anyOf).
  let types = typeof node.type === 'string' ? [node.type] : Array.isArray(node.type) ? node.type.filter((t): t is string => typeof t === 'string') : [];
  if (types.includes('null')) {
    nullable = true;
    types = types.filter((t) => t !== 'null');
  }
  if (types.length === 1) out.type = types[0];
  if (typeof node.description === 'string') out.description = node.description;
  if (typeof node.format === 'string' && KEPT_FORMATS.has(node.format)) out.format = node.format;

  const enumValues = Array.isArray(node.enum) ? node.enum : typeof node.const === 'string' ? [node.const] : undefined;
  if (enumValues !== undefined) {
    if (enumValues.includes(null)) nullable = true;
    const values = enumValues.filter((v) => v !== null);
    if (values.length > 0 && values.every((v): v is string => typeof v === 'string')) {
      out.enum = values;
      out.type ??= 'string';
    }
  }

  if (isRecord(node.properties)) {
    const props: Record<string, unknown> = {};
    for (const [name, sub] of Object.entries(node.properties)) props[name] = reduce(sub, inner);
    if (Object.keys(props).length > 0) {
      out.properties = props;
      const required = Array.isArray(node.required) ? [...new Set(node.required.filter((r): r is string => typeof r === 'string' && r in props))] : [];
      if (required.length > 0) out.required = required;
    }
    out.type ??= 'object';
  }
  if (node.items !== undefined) {
    const items = Array.isArray(node.items) ? node.items[0] : node.items;
    out.items = reduce(items, inner);
    out.type ??= 'array';
  }

  const alternatives = Array.isArray(node.anyOf) ? node.anyOf : Array.isArray(node.oneOf) ? node.oneOf : undefined;
  if (alternatives !== undefined) {
    const members: Array<Record<string, unknown>> = [];
    for (const alt of alternatives) {
      if (isRecord(alt) && alt.type === 'null') nullable = true;
      else members.push(reduce(alt, inner));
    }
    if (members.length === 1) {
      for (const [k, v] of Object.entries(members[0]!)) if (!(k in out)) out[k] = v;
    } else if (members.length > 1) {
      out.anyOf = members;
    }
  } else if (types.length > 1) {
    out.anyOf = types.map((t) => ({ type: t }));
  }
  if (nullable) out.nullable = true;
  return out;
}
