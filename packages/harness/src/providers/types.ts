/** What every provider returns for one sample: the completion and how it came to be. */
export interface Usage { promptTokens: number | null; completionTokens: number | null; totalTokens: number | null }

export interface Completion {
  id: string;
  text: string;
  /** `stop`, `length` (cut at the token limit), ... ; null when unknown. */
  finishReason: string | null;
  latencyMs?: number;
  usage?: Usage;
  /** Served from the on-disk cache. */
  cached?: boolean;
  /** Attempts it took (1 = no retry). */
  attempts?: number;
}

/** The part of an OpenAI chat-completions response providers read. */
export interface ChatResponse {
  choices?: { message?: { content?: string | null }; text?: string; finish_reason?: string | null }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number; total_tokens?: number };
}

/** The completion text, finish reason and usage of an OpenAI-shaped response; null if it has none. */
export function readChatResponse(r: unknown): { text: string; finishReason: string | null; usage?: Usage } | null {
  if (!r || typeof r !== 'object') return null;
  const c = (r as ChatResponse).choices?.[0];
  const text = c?.message?.content ?? c?.text;
  if (typeof text !== 'string') return null;
  const u = (r as ChatResponse).usage;
  return {
    text,
    finishReason: c?.finish_reason ?? null,
    ...(u ? { usage: { promptTokens: u.prompt_tokens ?? null, completionTokens: u.completion_tokens ?? null, totalTokens: u.total_tokens ?? null } } : {}),
  };
}
