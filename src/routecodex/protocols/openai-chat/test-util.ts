/** Test helpers of the chat codec tests (the shared ones, bound to this folder's fixtures). */
import { fixturesOf } from '../test-support.js';

export { decodeChunks, decodeSseText } from '../test-support.js';

const fixtures = fixturesOf(import.meta.url);
export const fixtureText = fixtures.text;
export const fixtureJson = fixtures.json;
