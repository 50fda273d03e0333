import { describe, expect, it } from 'vitest';
import { toGeminiSchema } from './gemini-schema.js';

describe('toGeminiSchema', () => {
  it('drops unsupported keywords and keeps the OpenAPI subset', () => {
    expect(
      toGeminiSchema({
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        title: 'Args',
        type: 'object',
        additionalProperties: false,
        properties: {
          q: { type: 'string', description: 'query', minLength: 1, pattern: '^x', default: 'a', examples: ['b'] },
          at: { type: 'string', format: 'date-time' },
          uri: { type: 'string', format: 'uri' },
          tags: { type: 'array', items: { type: 'string', enum: ['a', 'b'] }, minItems: 1, uniqueItems: true },
          n: { type: 'integer', enum: [1, 2, 3], minimum: 0 },
        },
        required: ['q', 'q'],
      }),
    ).toEqual({
      type: 'object',
      properties: {
        q: { type: 'string', description: 'query' },
        at: { type: 'string', format: 'date-time' },
        uri: { type: 'string' },
        tags: { type: 'array', items: { type: 'string', enum: ['a', 'b'] } },
        n: { type: 'integer' },
      },
      required: ['q'],
    });
  });

  it('inlines $ref to $defs/definitions, and turns a recursive ref into a plain object', () => {
    expect(
      toGeminiSchema({
        type: 'object',
        properties: {
          node: { $ref: '#/$defs/Node', description: 'root node' },
          color: { $ref: '#/definitions/Color' },
          missing: { $ref: '#/$defs/Nope' },
        },
        $defs: {
          Node: { type: 'object', properties: { value: { type: 'number' }, child: { $ref: '#/$defs/Node' } }, required: ['value'] },
        },
        definitions: { Color: { type: 'string', enum: ['red', 'green'] } },
      }),
    ).toEqual({
      type: 'object',
      properties: {
        node: {
          type: 'object',
          description: 'root node',
          properties: { value: { type: 'number' }, child: { type: 'object' } },
          required: ['value'],
        },
        color: { type: 'string', enum: ['red', 'green'] },
        missing: { type: 'object' },
      },
    });
  });

  it('turns null members and type arrays into nullable, and keeps real alternatives as anyOf', () => {
    expect(toGeminiSchema({ anyOf: [{ type: 'string' }, { type: 'null' }], description: 'maybe' })).toEqual({
      type: 'string',
      description: 'maybe',
      nullable: true,
    });
    expect(toGeminiSchema({ oneOf: [{ type: 'string' }, { type: 'number' }] })).toEqual({
      anyOf: [{ type: 'string' }, { type: 'number' }],
    });
    expect(toGeminiSchema({ type: ['string', 'number'] })).toEqual({ anyOf: [{ type: 'string' }, { type: 'number' }] });
    expect(toGeminiSchema({ type: 'string', enum: ['a', null] })).toEqual({ type: 'string', enum: ['a'], nullable: true });
  });

  it('maps const to a one-value enum and merges allOf', () => {
    expect(toGeminiSchema({ const: 'x' })).toEqual({ type: 'string', enum: ['x'] });
    expect(toGeminiSchema({ const: 3 })).toEqual({});
    expect(
      toGeminiSchema({
        allOf: [
          { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] },
          { properties: { b: { type: 'boolean' } }, required: ['b'] },
        ],
      }),
    ).toEqual({ type: 'object', properties: { a: { type: 'string' }, b: { type: 'boolean' } }, required: ['a', 'b'] });
  });

  it('omits empty properties (Gemini rejects an empty OBJECT) and infers missing types', () => {
    expect(toGeminiSchema({ type: 'object', properties: {}, required: ['x'] })).toEqual({ type: 'object' });
    expect(toGeminiSchema({ properties: { a: { items: { type: 'string' } } } })).toEqual({
      type: 'object',
      properties: { a: { type: 'array', items: { type: 'string' } } },
    });
    expect(toGeminiSchema({ type: 'array', items: [{ type: 'number' }, { type: 'string' }] })).toEqual({
      type: 'array',
      items: { type: 'number' },
    });
  });

  it('accepts anything without throwing', () => {
    expect(toGeminiSchema(undefined)).toEqual({});
    expect(toGeminiSchema(true)).toEqual({});
    expect(toGeminiSchema({ type: 'object', properties: { a: true } })).toEqual({ type: 'object', properties: { a: {} } });
  });
});
