// The SSE parser is shared with mimikit; codecs import it from here.
export * from '../../shared/sse.js';
