import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OpenAIProvider, ProviderError, retryAfterMs, type OpenAIOptions } from './openai.js';

/**
 * A real HTTP server on loopback. The prompt says how to answer: `good`, `429:<n>` (n 429s with
 * Retry-After, then good), `500:<n>`, `slow` (answers after 600 ms), `drop:<n>` (n dropped
 * connections), `malformed:<n>` (n bodies that are not responses), `400` (a client error).
 */
let server: Server;
let base: string;
const seen = new Map<string, number>();
const bodies: Record<string, unknown>[] = [];

function good(res: ServerResponse, prompt: string, finish = 'stop') {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ choices: [{ message: { role: 'assistant', content: `{"echo": ${JSON.stringify(prompt)}}` }, finish_reason: finish }], usage: { prompt_tokens: 7, completion_tokens: 5, total_tokens: 12 } }));
}

let inFlight = 0;
let maxInFlight = 0;

function handle(req: IncomingMessage, res: ServerResponse) {
  inFlight++;
  maxInFlight = Math.max(maxInFlight, inFlight);
  res.on('close', () => { inFlight--; });
  let raw = '';
  req.on('data', (c) => { raw += c; });
  req.on('end', () => {
    const body = JSON.parse(raw) as { messages: { content: string }[] };
    bodies.push(body as unknown as Record<string, unknown>);
    const prompt = body.messages.at(-1)!.content;
    const n = (seen.get(prompt) ?? 0) + 1;
    seen.set(prompt, n);
    const [kind, count] = prompt.split(':');
    const times = Number(count ?? 0);
    if (req.headers.authorization !== 'Bearer test-key') { res.writeHead(401); res.end('no key'); return; }
    if (kind === '429' && n <= times) { res.writeHead(429, { 'retry-after': '0.3' }); res.end('slow down'); return; }
    if (kind === '500' && n <= times) { res.writeHead(500); res.end('oops'); return; }
    if (kind === 'drop' && n <= times) { req.socket.destroy(); return; }
    if (kind === 'malformed' && n <= times) { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"choices": ['); return; }
    if (kind === '400') { res.writeHead(400); res.end('bad request'); return; }
    if (kind === 'slow') { setTimeout(() => good(res, prompt), 600); return; }
    good(res, prompt, kind === 'long' ? 'length' : 'stop');
  });
}

let cache: string;
const provider = (o: Partial<OpenAIOptions> = {}) => new OpenAIProvider({
  baseUrl: base, model: 'm', apiKeyEnv: 'REPRO_TEST_KEY', backoffMs: 10, maxBackoffMs: 50, retries: 3, timeoutMs: 2000, cacheDir: null, random: () => 0.5, ...o,
});
const ask = (content: string) => ({ id: content, messages: [{ role: 'user' as const, content }] });

beforeAll(async () => {
  process.env.REPRO_TEST_KEY = 'test-key';
  server = createServer(handle);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(() => { server.close(); rmSync(cache, { recursive: true, force: true }); });
beforeEach(() => { seen.clear(); bodies.length = 0; maxInFlight = 0; cache = mkdtempSync(path.join(tmpdir(), 'repro-cache-')); });

describe('OpenAIProvider against a loopback server', () => {
  it('sends the model, settings, response_format and key; records usage and latency', async () => {
    const p = provider({ temperature: 0.1, seed: 3, maxTokens: 64, responseFormat: { type: 'json_schema', schema: { type: 'object' } } });
    const c = await p.complete(ask('good'));
    expect(c.text).toBe('{"echo": "good"}');
    expect(c.finishReason).toBe('stop');
    expect(c.usage).toEqual({ promptTokens: 7, completionTokens: 5, totalTokens: 12 });
    expect(c.latencyMs).toBeGreaterThan(0);
    expect(bodies[0]).toMatchObject({ model: 'm', temperature: 0.1, seed: 3, max_tokens: 64, response_format: { type: 'json_schema', json_schema: { schema: { type: 'object' } } } });
  });

  it('honours Retry-After on 429 and retries 500s, malformed bodies and dropped connections', async () => {
    const p = provider();
    const t0 = performance.now();
    const c = await p.complete(ask('429:2'));
    expect(c.attempts).toBe(3);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(2 * 300 - 20);
    expect((await p.complete(ask('500:2'))).attempts).toBe(3);
    expect((await p.complete(ask('malformed:1'))).attempts).toBe(2);
    expect((await p.complete(ask('drop:2'))).attempts).toBe(3);
    expect(p.stats.retries).toBe(7);
  });

  it('gives up after the retries, and does not retry a 4xx', async () => {
    const p = provider({ retries: 2 });
    await expect(p.complete(ask('500:9'))).rejects.toThrow(/gave up after 3 attempts: HTTP 500/);
    expect(seen.get('500:9')).toBe(3);
    const e = await p.complete(ask('400')).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ProviderError);
    expect((e as ProviderError).status).toBe(400);
    expect(seen.get('400')).toBe(1);
  });

  it('times out a slow response and retries it', async () => {
    const p = provider({ timeoutMs: 200, retries: 1 });
    await expect(p.complete(ask('slow'))).rejects.toThrow(/no response within 200 ms/);
    expect(seen.get('slow')).toBe(2);
  });

  it('caches successes on disk (versioned) and never caches errors', async () => {
    const p = provider({ cacheDir: cache, retries: 0 });
    const a = await p.complete(ask('good'));
    const b = await p.complete(ask('good'));
    expect(a.cached).toBe(false);
    expect(b).toMatchObject({ cached: true, text: a.text });
    expect(seen.get('good')).toBe(1);
    await expect(p.complete(ask('500:1'))).rejects.toThrow();
    expect((await p.complete(ask('500:1'))).cached).toBe(false);
    // Entries sit in folders named by their key's first two hex digits, which two keys share once in
    // 256 (the key holds the server's port): count the files.
    const entries = (readdirSync(path.join(cache, 'v1'), { recursive: true }) as string[]).filter((f) => f.endsWith('.json'));
    expect(entries.length).toBe(2);
    // another temperature is another request
    await provider({ cacheDir: cache, temperature: 0.7 }).complete(ask('good'));
    expect(seen.get('good')).toBe(2);
  });

  it('runs at most `concurrency` requests at once and returns failures in place', async () => {
    const p = provider({ concurrency: 2, retries: 0 });
    const reqs = ['slow', 'good', '400', 'long', 'slow', 'good'].map((c, i) => ({ ...ask(c), id: `${c}-${i}` }));
    const progress: number[] = [];
    const out = await p.completeAll(reqs, (d) => progress.push(d));
    expect(out[0]).toMatchObject({ id: 'slow-0' });
    expect(out[2]).toBeInstanceOf(ProviderError);
    expect(out[3]).toMatchObject({ finishReason: 'length' });
    expect(progress).toEqual([1, 2, 3, 4, 5, 6]);
    expect(maxInFlight).toBe(2);
  });

  it('rejects bad settings and reads Retry-After dates', () => {
    expect(() => new OpenAIProvider({ baseUrl: 'not a url', model: 'm' })).toThrow(/not a URL/);
    expect(() => new OpenAIProvider({ baseUrl: base, model: '' })).toThrow(/model is required/);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs(new Headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:02 GMT' }), now)).toBe(2000);
    expect(retryAfterMs(new Headers({ 'retry-after': '3' }))).toBe(3000);
    expect(retryAfterMs(new Headers({}))).toBeNull();
  });
});
