/**
 * A LaTeX node tree shaped like pylatexenc 2's `LatexWalker.get_latex_nodes()`, for the parts of it
 * the reference scorer reads: characters, groups, macros with the arguments pylatexenc's default
 * context gives them, environments, specials (`&`, `~`, `--`, ...), math and comments. Parsing is
 * tolerant as pylatexenc's is: an unclosed group or environment runs to the end of the text.
 *
 * Whether a macro takes arguments changes the scores (an argument group is a child of the macro;
 * otherwise it is the macro's next sibling), so the argument specs below follow pylatexenc's
 * default context for the macros that occur in tables: `\textbf{x}` owns its group, `\caption{x}`
 * does not (pylatexenc does not know `\caption`), `\\` takes `*` and `[...]`.
 */

export type LatexNode =
  | { kind: 'chars'; chars: string }
  | { kind: 'group'; open: string; close: string; nodes: LatexNode[] }
  | { kind: 'macro'; name: string; args: (LatexNode | null)[] }
  | { kind: 'env'; name: string; args: (LatexNode | null)[]; nodes: LatexNode[] }
  | { kind: 'specials'; chars: string }
  | { kind: 'math'; nodes: LatexNode[] }
  | { kind: 'comment'; text: string };

// '{' a mandatory argument, '[' an optional one, '*' an optional star.
const MACRO_ARGS: Record<string, string> = {
  '\\': '*[',
  textbf: '{', textit: '{', textrm: '{', textsf: '{', texttt: '{', textsc: '{', textsl: '{', textup: '{', textmd: '{', emph: '{',
  underline: '{', overline: '{', text: '{', mbox: '{', mathbf: '{', mathrm: '{', mathit: '{', mathsf: '{', mathtt: '{', mathcal: '{',
  mathbb: '{', label: '{', ref: '{', eqref: '{', url: '{', title: '{', author: '{', date: '{', hat: '{', bar: '{', vec: '{', tilde: '{',
  footnote: '[{', includegraphics: '[{', sqrt: '[{', color: '[{', textcolor: '[{{', colorbox: '[{{', frac: '{{', hspace: '*{', vspace: '*{',
  section: '*[{', subsection: '*[{', subsubsection: '*[{', cite: '*[[{', citep: '*[[{', citet: '*[[{', item: '[', setlength: '[{{',
};

const ENV_ARGS: Record<string, string> = {
  table: '[', 'table*': '[', figure: '[', 'figure*': '[', tabular: '{', 'tabular*': '{{', tabularx: '{[{', array: '[{',
  itemize: '[', enumerate: '[', description: '[', alignat: '{', 'alignat*': '{', verbatim: '{',
};

const SPECIALS = ['---', '--', '``', "''", '!`', '?`', '&', '~'];

export function parseLatex(src: string): LatexNode[] {
  let i = 0;
  const isLetter = (c: string | undefined) => c !== undefined && /[A-Za-z]/.test(c);

  const readMacroName = (): string => {
    // at a backslash
    i++;
    if (i >= src.length) return '';
    if (!isLetter(src[i])) return src[i++];
    const s = i;
    while (isLetter(src[i])) i++;
    const name = src.slice(s, i);
    // a letter macro swallows the whitespace after it (pylatexenc keeps it as post-space)
    while (i < src.length && /[ \t\n\r]/.test(src[i])) i++;
    return name;
  };

  const skipSpace = () => { while (i < src.length && /\s/.test(src[i])) i++; };

  const parseArgs = (spec: string): (LatexNode | null)[] => {
    const args: (LatexNode | null)[] = [];
    for (const a of spec) {
      const save = i;
      skipSpace();
      if (a === '*') {
        if (src[i] === '*') { i++; args.push({ kind: 'chars', chars: '*' }); } else { i = save; args.push(null); }
      } else if (a === '[') {
        if (src[i] === '[') { i++; args.push({ kind: 'group', open: '[', close: ']', nodes: parseUntil(']') }); } else { i = save; args.push(null); }
      } else if (src[i] === '{') {
        i++;
        args.push({ kind: 'group', open: '{', close: '}', nodes: parseUntil('}') });
      } else if (src[i] === '\\') {
        args.push({ kind: 'macro', name: readMacroName(), args: [] });
      } else if (i < src.length) {
        args.push({ kind: 'chars', chars: src[i++] });
      } else {
        args.push(null);
      }
    }
    return args;
  };

  /** Nodes until `end` (a closing delimiter, `$`, or `\end{name}`), consuming the terminator. */
  function parseUntil(end: string | null, envName?: string): LatexNode[] {
    const nodes: LatexNode[] = [];
    let chars = '';
    const flush = () => { if (chars) { nodes.push({ kind: 'chars', chars }); chars = ''; } };
    while (i < src.length) {
      const c = src[i];
      if (end && end !== '$' && c === end) { i++; flush(); return nodes; }
      if (end === '$' && c === '$') { i++; flush(); return nodes; }
      if (c === '%') {
        flush();
        const nl = src.indexOf('\n', i);
        const stop = nl < 0 ? src.length : nl + 1;
        nodes.push({ kind: 'comment', text: src.slice(i + 1, nl < 0 ? src.length : nl) });
        i = stop;
        continue;
      }
      if (c === '{') { flush(); i++; nodes.push({ kind: 'group', open: '{', close: '}', nodes: parseUntil('}') }); continue; }
      if (c === '$') {
        flush();
        const display = src[i + 1] === '$';
        i += display ? 2 : 1;
        const body = parseUntil('$');
        if (display && src[i] === '$') i++;
        nodes.push({ kind: 'math', nodes: body });
        continue;
      }
      if (c === '\\') {
        flush();
        const name = readMacroName();
        if (name === 'begin' || name === 'end') {
          skipSpace();
          let env = '';
          if (src[i] !== '{') { chars += `\\${name}`; continue; }
          {
            const close = src.indexOf('}', i);
            if (close < 0) {
              // a name cut off or missing (`\end{ta`, `\end` at the end of a truncated output):
              // pylatexenc keeps the command as text and reads the rest as an unclosed group
              chars += `\\${name}`;
              continue;
            }
            env = src.slice(i + 1, close);
            i = close + 1;
          }
          if (name === 'end') {
            if (env === envName) return (flush(), nodes);
            // a stray \end: pylatexenc tolerates it; keep going
            continue;
          }
          const args = parseArgs(ENV_ARGS[env] ?? '');
          nodes.push({ kind: 'env', name: env, args, nodes: parseUntil(null, env) });
          continue;
        }
        if (name === '(' || name === '[') {
          const closer = name === '(' ? '\\)' : '\\]';
          const stop = src.indexOf(closer, i);
          const inner = src.slice(i, stop < 0 ? src.length : stop);
          const sub = parseLatex(inner);
          i += inner.length + (stop < 0 ? 0 : 2);
          nodes.push({ kind: 'math', nodes: sub });
          continue;
        }
        // a lone backslash at the very end is a macro with no name: it adds nothing
        nodes.push({ kind: 'macro', name, args: parseArgs(MACRO_ARGS[name] ?? '') });
        continue;
      }
      const sp = SPECIALS.find((s) => src.startsWith(s, i));
      if (sp) { flush(); nodes.push({ kind: 'specials', chars: sp }); i += sp.length; continue; }
      chars += c;
      i++;
    }
    flush();
    return nodes;
  }

  return parseUntil(null);
}
