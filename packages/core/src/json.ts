/**
 * Strict JSON (RFC 8259) with error positions. JSON.parse does the parsing; when it fails, a small
 * recursive-descent scanner finds the offset of the first error, because Node's messages do not
 * always carry one. NaN, Infinity, comments and trailing commas are errors, as the RFC says.
 */

export interface JsonErrorPosition { offset: number; line: number; column: number; message: string }

export type JsonParse<T> = { ok: true; value: T } | ({ ok: false } & JsonErrorPosition);

export function parseJson<T = unknown>(text: string): JsonParse<T> {
  try {
    return { ok: true, value: JSON.parse(text) as T };
  } catch (e) {
    return { ok: false, ...locateJsonError(text, (e as Error).message) };
  }
}

export function locateJsonError(text: string, fallbackMessage = 'invalid JSON'): JsonErrorPosition {
  let i = 0;
  const fail = (message: string): never => { throw Object.assign(new Error(message), { offset: i }); };
  const ws = () => { while (i < text.length && ' \t\n\r'.includes(text[i])) i++; };
  const lit = (word: string) => { if (text.startsWith(word, i)) i += word.length; else fail(`unexpected ${describe(text[i])}`); };
  const str = () => {
    i++;
    while (i < text.length && text[i] !== '"') {
      const c = text.charCodeAt(i);
      if (c < 0x20) fail('control character in string');
      if (text[i] === '\\') {
        i++;
        if (text[i] === 'u') { if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail('bad \\u escape'); i += 5; }
        else if ('"\\/bfnrt'.includes(text[i] ?? '')) i++;
        else fail('bad escape');
      } else i++;
    }
    if (i >= text.length) fail('unterminated string');
    i++;
  };
  const num = () => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (!m) fail(`unexpected ${describe(text[i])}`);
    i += m![0].length;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++; ws();
      if (text[i] === '}') { i++; return; }
      for (;;) {
        ws();
        if (text[i] !== '"') fail(`expected a property name, found ${describe(text[i])}`);
        str(); ws();
        if (text[i] !== ':') fail(`expected ':', found ${describe(text[i])}`);
        i++; value(); ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === '}') { i++; return; }
        fail(`expected ',' or '}', found ${describe(text[i])}`);
      }
    } else if (c === '[') {
      i++; ws();
      if (text[i] === ']') { i++; return; }
      for (;;) {
        value(); ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === ']') { i++; return; }
        fail(`expected ',' or ']', found ${describe(text[i])}`);
      }
    } else if (c === '"') str();
    else if (c === 't') lit('true');
    else if (c === 'f') lit('false');
    else if (c === 'n') lit('null');
    else num();
  };
  let message = fallbackMessage;
  try {
    value(); ws();
    if (i < text.length) fail(`unexpected ${describe(text[i])} after the value`);
  } catch (e) {
    message = (e as Error).message;
  }
  const before = text.slice(0, i).split('\n');
  return { offset: i, line: before.length, column: before[before.length - 1].length + 1, message };
}

function describe(c: string | undefined): string {
  return c === undefined ? 'end of input' : JSON.stringify(c);
}
