/**
 * The `openai` provider: any OpenAI-compatible `/v1/chat/completions` endpoint (llama.cpp's server,
 * vLLM, a hosted API). Bounded concurrency; a timeout per attempt; retries with exponential backoff
 * and full jitter on 429, 5xx, malformed bodies and network errors, waiting at least what
 * `Retry-After` asks; a versioned on-disk cache of successful responses (errors are never cached);
 * latency and token usage recorded per call.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { cacheDir, writeAtomic } from '@repro/core';
import { readChatResponse, type Completion } from './types.js';

export type ResponseFormat = 'none' | 'json_object' | { type: 'json_schema'; name?: string; schema: unknown; strict?: boolean };

export interface OpenAIOptions {
  /** e.g. http://127.0.0.1:8080/v1 (the path `/chat/completions` is appended). */
  baseUrl: string;
  model: string;
  /** The environment variable holding the API key (default OPENAI_API_KEY); unset means no key. */
  apiKeyEnv?: string;
  temperature?: number;
  seed?: number;
  maxTokens?: number;
  responseFormat?: ResponseFormat;
  /** Requests in flight at once (default 4). */
  concurrency?: number;
  /** Per attempt, in milliseconds (default 120 000). */
  timeoutMs?: number;
  /** Retries after the first attempt (default 5). */
  retries?: number;
  /** First backoff in milliseconds (default 1000), doubled each retry, capped at maxBackoffMs (default 60 000). */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Response cache folder; null turns the cache off (default <REPRO_CACHE>/responses). */
  cacheDir?: string | null;
  /** A seeded random source for jitter (tests); default Math.random. */
  random?: () => number;
  log?: (line: string) => void;
}

export interface ChatMessage { role: 'system' | 'user' | 'assistant'; content: string }
export interface ChatRequest { id: string; messages: ChatMessage[]; responseFormat?: ResponseFormat }

/** Bump when the cached request or response shape changes: old entries are then not read. */
export const CACHE_VERSION = 1;

export class ProviderError extends Error {
  constructor(message: string, readonly status: number | null, readonly attempts: number) { super(message); this.name = 'ProviderError'; }
}

const RETRYABLE = (status: number) => status === 429 || status === 408 || status >= 500;

/** Retry-After as milliseconds: delta-seconds or an HTTP date; `retry-after-ms` when the server sends it. */
export function retryAfterMs(headers: Headers, now = Date.now()): number | null {
  const ms = headers.get('retry-after-ms');
  if (ms && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const v = headers.get('retry-after');
  if (!v) return null;
  if (/^\s*\d+(\.\d+)?\s*$/.test(v)) return Number(v) * 1000;
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : Math.max(0, t - now);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class OpenAIProvider {
  readonly opts: Required<Omit<OpenAIOptions, 'seed' | 'maxTokens' | 'cacheDir' | 'log'>> & Pick<OpenAIOptions, 'seed' | 'maxTokens' | 'log'> & { cacheDir: string | null };
  /** Counters for the run summary. */
  readonly stats = { requests: 0, retries: 0, cacheHits: 0, failures: 0 };

  constructor(o: OpenAIOptions) {
    if (!o.baseUrl) throw new Error('openai provider: baseUrl is required (e.g. http://127.0.0.1:8080/v1)');
    if (!o.model) throw new Error('openai provider: model is required');
    try { new URL(o.baseUrl); } catch { throw new Error(`openai provider: baseUrl ${JSON.stringify(o.baseUrl)} is not a URL`); }
    this.opts = {
      baseUrl: o.baseUrl.replace(/\/+$/, ''), model: o.model, apiKeyEnv: o.apiKeyEnv ?? 'OPENAI_API_KEY', temperature: o.temperature ?? 0,
      seed: o.seed, maxTokens: o.maxTokens, responseFormat: o.responseFormat ?? 'none', concurrency: Math.max(1, o.concurrency ?? 4),
      timeoutMs: o.timeoutMs ?? 120_000, retries: o.retries ?? 5, backoffMs: o.backoffMs ?? 1000, maxBackoffMs: o.maxBackoffMs ?? 60_000,
      cacheDir: o.cacheDir === undefined ? path.join(cacheDir(), 'responses') : o.cacheDir, random: o.random ?? Math.random, log: o.log,
    };
  }

  body(req: ChatRequest): Record<string, unknown> {
    const o = this.opts;
    const rf = req.responseFormat ?? o.responseFormat;
    return {
      model: o.model, messages: req.messages, temperature: o.temperature,
      ...(o.seed !== undefined ? { seed: o.seed } : {}), ...(o.maxTokens !== undefined ? { max_tokens: o.maxTokens } : {}),
      ...(rf === 'none' ? {} : rf === 'json_object' ? { response_format: { type: 'json_object' } }
        : { response_format: { type: 'json_schema', json_schema: { name: rf.name ?? 'output', schema: rf.schema, strict: rf.strict ?? true } } }),
    };
  }

  private cacheFile(body: Record<string, unknown>): string | null {
    if (!this.opts.cacheDir) return null;
    const key = createHash('sha256').update(JSON.stringify({ v: CACHE_VERSION, url: this.opts.baseUrl, body })).digest('hex');
    return path.join(this.opts.cacheDir, `v${CACHE_VERSION}`, key.slice(0, 2), `${key}.json`);
  }

  /** One request, with retries; throws ProviderError when every attempt failed. */
  async complete(req: ChatRequest): Promise<Completion> {
    const body = this.body(req);
    const file = this.cacheFile(body);
    if (file && existsSync(file)) {
      try {
        const hit = readChatResponse(JSON.parse(readFileSync(file, 'utf8')).response);
        if (hit) { this.stats.cacheHits++; return { id: req.id, ...hit, cached: true, attempts: 0, latencyMs: 0 }; }
      } catch { /* an unreadable cache entry is refetched and overwritten */ }
    }
    const o = this.opts;
    const key = process.env[o.apiKeyEnv];
    const headers: Record<string, string> = { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) };
    let last = '';
    let lastStatus: number | null = null;
    for (let attempt = 1; attempt <= o.retries + 1; attempt++) {
      let wait: number | null = null;
      const t0 = performance.now();
      this.stats.requests++;
      try {
        const res = await fetch(`${o.baseUrl}/chat/completions`, { method: 'POST', headers, body: JSON.stringify(body), signal: AbortSignal.timeout(o.timeoutMs) });
        const text = await res.text();
        lastStatus = res.status;
        if (res.ok) {
          let json: unknown;
          try { json = JSON.parse(text); } catch { json = undefined; }
          const got = readChatResponse(json);
          if (got) {
            const latencyMs = performance.now() - t0;
            if (file) writeAtomic(file, JSON.stringify({ v: CACHE_VERSION, request: body, response: json }) + '\n');
            return { id: req.id, ...got, latencyMs, attempts: attempt, cached: false };
          }
          last = `malformed response body (${text.slice(0, 120).replace(/\s+/g, ' ')})`;
        } else {
          last = `HTTP ${res.status}: ${text.slice(0, 200).replace(/\s+/g, ' ')}`;
          if (!RETRYABLE(res.status)) { this.stats.failures++; throw new ProviderError(`${req.id}: ${last}`, res.status, attempt); }
          wait = retryAfterMs(res.headers);
        }
      } catch (e) {
        if (e instanceof ProviderError) throw e;
        const err = e as Error & { cause?: { code?: string } };
        lastStatus = null;
        last = err.name === 'TimeoutError' ? `no response within ${o.timeoutMs} ms` : `network error: ${err.cause?.code ?? err.message}`;
      }
      if (attempt > o.retries) break;
      const backoff = Math.min(o.maxBackoffMs, o.backoffMs * 2 ** (attempt - 1)) * o.random();
      const delay = Math.max(backoff, wait ?? 0);
      this.stats.retries++;
      o.log?.(`${req.id}: ${last}; retry ${attempt}/${o.retries} in ${(delay / 1000).toFixed(2)} s`);
      await sleep(delay);
    }
    this.stats.failures++;
    throw new ProviderError(`${req.id}: gave up after ${o.retries + 1} attempts: ${last}`, lastStatus, o.retries + 1);
  }

  /** Every request, at most `concurrency` at once; a request that fails is returned as its error. */
  async completeAll(reqs: ChatRequest[], onDone?: (done: number, total: number) => void): Promise<(Completion | ProviderError)[]> {
    const out: (Completion | ProviderError)[] = new Array(reqs.length);
    let next = 0;
    let done = 0;
    const lane = async () => {
      while (next < reqs.length) {
        const i = next++;
        try { out[i] = await this.complete(reqs[i]); } catch (e) {
          out[i] = e instanceof ProviderError ? e : new ProviderError(`${reqs[i].id}: ${(e as Error).message}`, null, 0);
        }
        onDone?.(++done, reqs.length);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.opts.concurrency, reqs.length) }, lane));
    return out;
  }
}

/** Provider settings from the environment: REPRO_OPENAI_BASE_URL and REPRO_OPENAI_MODEL (null when unset). */
export function openAIFromEnv(overrides: Partial<OpenAIOptions> = {}): OpenAIOptions | null {
  const baseUrl = overrides.baseUrl ?? process.env.REPRO_OPENAI_BASE_URL;
  const model = overrides.model ?? process.env.REPRO_OPENAI_MODEL;
  if (!baseUrl || !model) return null;
  return { ...overrides, baseUrl, model, apiKeyEnv: overrides.apiKeyEnv ?? process.env.REPRO_OPENAI_KEY_ENV ?? 'OPENAI_API_KEY' };
}

export const OPENAI_ENV_HELP = 'set REPRO_OPENAI_BASE_URL (an OpenAI-compatible endpoint, e.g. http://127.0.0.1:8080/v1 for llama.cpp\'s server) and REPRO_OPENAI_MODEL; the key is read from OPENAI_API_KEY (or the variable REPRO_OPENAI_KEY_ENV names)';
