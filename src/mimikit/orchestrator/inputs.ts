/** Accepting a user input: validated, then appended (fsynced) to `inputs/packets.jsonl` before it is acknowledged. */
import { randomUUID } from 'node:crypto';
import { clientInfoSchema, type InputMessage, type InputPacket } from '../model/index.js';
import type { PacketQueue } from '../storage/index.js';
import type { AddInputRequest } from './views.js';

export const MAX_INPUT_CHARS = 100_000;

/** Why an input was not accepted: `invalid` (bad field, see `field`) or `stopping`. */
export class InputRejectedError extends Error {
  override name = 'InputRejectedError';
  constructor(
    message: string,
    readonly reason: 'invalid' | 'stopping',
    readonly field?: string,
  ) {
    super(message);
  }
}

export async function acceptUserInput(queue: PacketQueue<InputPacket>, request: AddInputRequest, nowMs: number): Promise<InputMessage> {
  if (typeof request.text !== 'string' || request.text.trim() === '') throw new InputRejectedError('text must be a non-empty string', 'invalid', 'text');
  if (request.text.length > MAX_INPUT_CHARS) throw new InputRejectedError(`text is longer than ${MAX_INPUT_CHARS} characters`, 'invalid', 'text');
  if (request.quote !== undefined && (typeof request.quote !== 'string' || request.quote.trim() === '' || request.quote.length > 200)) {
    throw new InputRejectedError('quote must be a message id', 'invalid', 'quote');
  }
  const client = request.client === undefined ? undefined : clientInfoSchema.safeParse(request.client);
  if (client && !client.success) throw new InputRejectedError(`client: ${client.error.issues[0]?.message ?? 'invalid'}`, 'invalid', 'client');
  const id = `u-${randomUUID()}`;
  const createdAt = new Date(nowMs).toISOString();
  const input: InputMessage = {
    id,
    role: 'user',
    text: request.text,
    createdAt,
    wake: 'user_input',
    ...(request.quote !== undefined ? { quote: request.quote } : {}),
    ...(client?.success && Object.keys(client.data).length > 0 ? { client: client.data } : {}),
  };
  await queue.append({ id, createdAt, payload: input });
  return input;
}
