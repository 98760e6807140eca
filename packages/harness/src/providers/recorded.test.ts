import { describe, expect, it } from 'vitest';
import { joinRecorded, parseRecorded } from './recorded.js';

describe('recorded provider', () => {
  it('reads plain and OpenAI-shaped lines, reports malformed ones by line number and joins by id', () => {
    const text = [
      '{"id": "a", "output": "{\\"x\\": 1}"}',
      '{"id": 2, "response": {"choices": [{"message": {"content": "[1]"}, "finish_reason": "length"}], "usage": {"prompt_tokens": 3}}}',
      'not json',
      '',
      '{"output": "no id"}',
      '{"id": "c", "choices": [{"message": {"content": "hi"}}]}',
      '{"id": "d", "response": {"choices": []}}',
      '{"id": "a", "text": "later"}',
    ].join('\n');
    const rec = parseRecorded(text, 'out.jsonl');
    expect(rec.problems.map((p) => p.split(':').slice(0, 2).join(':'))).toEqual(['out.jsonl:3', 'out.jsonl:5', 'out.jsonl:7', 'out.jsonl:8']);
    expect(rec.lines.get('a')).toMatchObject({ completion: { text: 'later' }, line: 8, row: { id: 'a', text: 'later' } });
    expect(rec.lines.get('2')!.completion).toMatchObject({ text: '[1]', finishReason: 'length', usage: { promptTokens: 3, completionTokens: null } });
    expect(rec.lines.get('c')!.completion.text).toBe('hi');
    const j = joinRecorded([{ id: 'a' }, { id: '2' }, { id: 'zz' }], rec);
    expect(j.pairs.map(([s]) => s.id)).toEqual(['a', '2']);
    expect(j.missing).toEqual(['zz']);
    expect(j.unused).toEqual(['c']);
  });
});
