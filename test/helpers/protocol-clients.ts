/**
 * One driver per inbound protocol, using the official SDKs, returning what the client saw in one
 * normalized shape so that a test can run the same assertions across the 3 × 4 protocol matrix.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';

export type InboundKind = 'chat' | 'responses' | 'anthropic';

export interface ClientTurn {
  text: string;
  toolCalls: Array<{ id: string; name: string; args: unknown }>;
  usage: { input: number; output: number; cached: number };
  stop: string;
}

export interface ToolRoundTrip {
  prompt: string;
  call: { id: string; name: string; args: unknown };
  result: string;
}

export const WEATHER_TOOL = {
  name: 'get_weather',
  description: 'Weather for a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

export function clientsFor(url: string) {
  const openai = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'client-key', maxRetries: 0 });
  const anthropic = new Anthropic({ baseURL: url, apiKey: 'client-key', maxRetries: 0 });

  async function chat(model: string, stream: boolean, prompt: string, tools: boolean, trip?: ToolRoundTrip): Promise<ClientTurn> {
    const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [{ role: 'user', content: trip?.prompt ?? prompt }];
    if (trip) {
      messages.push({ role: 'assistant', content: null, tool_calls: [{ id: trip.call.id, type: 'function', function: { name: trip.call.name, arguments: JSON.stringify(trip.call.args) } }] });
      messages.push({ role: 'tool', tool_call_id: trip.call.id, content: trip.result });
    }
    const params = { model, messages, ...(tools ? { tools: [{ type: 'function' as const, function: WEATHER_TOOL }] } : {}) };
    const completion = stream
      ? await openai.chat.completions.stream({ ...params, stream_options: { include_usage: true } }).finalChatCompletion()
      : await openai.chat.completions.create(params);
    const msg = completion.choices[0]!.message;
    return {
      text: msg.content ?? '',
      toolCalls: (msg.tool_calls ?? []).flatMap((c) => (c.type === 'function' ? [{ id: c.id, name: c.function.name, args: JSON.parse(c.function.arguments) as unknown }] : [])),
      usage: {
        input: completion.usage?.prompt_tokens ?? -1,
        output: completion.usage?.completion_tokens ?? -1,
        cached: completion.usage?.prompt_tokens_details?.cached_tokens ?? 0,
      },
      stop: completion.choices[0]!.finish_reason,
    };
  }

  async function responses(model: string, stream: boolean, prompt: string, tools: boolean, trip?: ToolRoundTrip): Promise<ClientTurn> {
    const input: OpenAI.Responses.ResponseInputItem[] = [{ role: 'user', content: trip?.prompt ?? prompt }];
    if (trip) {
      input.push({ type: 'function_call', call_id: trip.call.id, name: trip.call.name, arguments: JSON.stringify(trip.call.args) });
      input.push({ type: 'function_call_output', call_id: trip.call.id, output: trip.result });
    }
    const params = { model, input, ...(tools ? { tools: [{ type: 'function' as const, strict: false, ...WEATHER_TOOL }] } : {}) };
    const res = stream ? await openai.responses.stream(params).finalResponse() : await openai.responses.create(params);
    const toolCalls = res.output.flatMap((item) => (item.type === 'function_call' ? [{ id: item.call_id, name: item.name, args: JSON.parse(item.arguments) as unknown }] : []));
    return {
      // `output_text` is a convenience the SDK only adds to non-streamed results; read the items.
      text: res.output.flatMap((item) => (item.type === 'message' ? item.content.flatMap((c) => (c.type === 'output_text' ? [c.text] : [])) : [])).join(''),
      toolCalls,
      usage: { input: res.usage?.input_tokens ?? -1, output: res.usage?.output_tokens ?? -1, cached: res.usage?.input_tokens_details?.cached_tokens ?? 0 },
      stop: toolCalls.length > 0 ? 'tool_calls' : res.status ?? '',
    };
  }

  async function messages(model: string, stream: boolean, prompt: string, tools: boolean, trip?: ToolRoundTrip): Promise<ClientTurn> {
    const msgs: Anthropic.MessageParam[] = [{ role: 'user', content: trip?.prompt ?? prompt }];
    if (trip) {
      msgs.push({ role: 'assistant', content: [{ type: 'tool_use', id: trip.call.id, name: trip.call.name, input: trip.call.args }] });
      msgs.push({ role: 'user', content: [{ type: 'tool_result', tool_use_id: trip.call.id, content: trip.result }] });
    }
    const params = {
      model,
      max_tokens: 1024,
      messages: msgs,
      ...(tools ? { tools: [{ name: WEATHER_TOOL.name, description: WEATHER_TOOL.description, input_schema: WEATHER_TOOL.parameters as Anthropic.Tool.InputSchema }] } : {}),
    };
    const msg = stream ? await anthropic.messages.stream(params).finalMessage() : await anthropic.messages.create(params);
    return {
      text: msg.content.flatMap((b) => (b.type === 'text' ? [b.text] : [])).join(''),
      toolCalls: msg.content.flatMap((b) => (b.type === 'tool_use' ? [{ id: b.id, name: b.name, args: b.input }] : [])),
      usage: {
        input: msg.usage.input_tokens + (msg.usage.cache_read_input_tokens ?? 0) + (msg.usage.cache_creation_input_tokens ?? 0),
        output: msg.usage.output_tokens,
        cached: msg.usage.cache_read_input_tokens ?? 0,
      },
      stop: msg.stop_reason ?? '',
    };
  }

  const drivers: Record<InboundKind, typeof chat> = { chat, responses, anthropic: messages };
  return { openai, anthropic, drivers };
}
