import { describe, expect, it } from 'vitest';
import type { CanonicalRequest } from '../../canonical/index.js';
import { extractRequestInstructions } from './request-instructions.js';
import { catalog } from './test-config.js';

const text = (t: string) => ({ type: 'text' as const, text: t });
const req = (messages: CanonicalRequest['messages']): CanonicalRequest => ({ model: 'x', system: [], messages, tools: [], stream: false });

describe('extractRequestInstructions', () => {
  it('takes instructions from the latest user message and strips valid tags from every user message', () => {
    const input = req([
      { role: 'user', content: [text('<**#openai**> first <**#nosuch**>')] },
      { role: 'assistant', content: [text('<**#qwen**> is mine')] },
      { role: 'user', content: [text('<**!claude**>'), text('second <**clear**> turn')] },
    ]);
    const { request, instructions } = extractRequestInstructions(input, catalog);
    expect(instructions.map((i) => i.tag)).toEqual(['<**!claude**>', '<**clear**>']);
    expect(request.messages).toEqual([
      { role: 'user', content: [text('first <**#nosuch**>')] },
      { role: 'assistant', content: [text('<**#qwen**> is mine')] },
      { role: 'user', content: [text('second turn')] },
    ]);
    // The input request is not modified.
    expect(input.messages[0]?.content[0]).toEqual(text('<**#openai**> first <**#nosuch**>'));
  });

  it('returns the same request when there is nothing to strip', () => {
    const input = req([{ role: 'user', content: [text('hello <**nosuch**>')] }]);
    expect(extractRequestInstructions(input, catalog)).toEqual({ request: input, instructions: [] });
    expect(extractRequestInstructions(input, catalog).request).toBe(input);
  });
});
