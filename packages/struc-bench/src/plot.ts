/**
 * The sensitivity plot: for one format, content and structure H-Score against corruption strength,
 * one line per corruption, reference mode solid and fixed mode dashed; the identity score (the
 * gold against itself) as a grey rule. Plain SVG, no dependencies.
 */
import type { SensitivityResult } from './sensitivity.js';
import { CORRUPTIONS } from './corrupt.js';

const COLORS = ['#1b9e77', '#d95f02', '#7570b3', '#e7298a', '#66a61e', '#e6ab02', '#a6761d', '#666666', '#1f78b4'];
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

export function sensitivitySvg(r: SensitivityResult, title: string): string {
  const W = 420, H = 300, M = { l: 48, r: 12, t: 28, b: 40 };
  const strengths = [...new Set(r.cells.map((c) => c.strength))].sort((a, b) => a - b);
  const panel = (kind: 'content' | 'structure', x0: number): string => {
    const values = r.cells.map((c) => c[kind]).concat([r.identity.reference[kind], r.identity.fixed[kind], 0]);
    const lo = Math.min(...values);
    const hi = Math.max(...values);
    const X = (s: number) => x0 + M.l + ((s - 0) / 1) * (W - M.l - M.r);
    const Y = (v: number) => M.t + (1 - (v - lo) / (hi - lo || 1)) * (H - M.t - M.b);
    const out: string[] = [];
    out.push(`<text x="${x0 + W / 2}" y="16" text-anchor="middle" font-size="13">${kind} H-Score</text>`);
    out.push(`<line x1="${X(0)}" y1="${Y(lo)}" x2="${X(1)}" y2="${Y(lo)}" stroke="#000"/><line x1="${X(0)}" y1="${Y(lo)}" x2="${X(0)}" y2="${Y(hi)}" stroke="#000"/>`);
    for (const s of [0, 0.25, 0.5, 0.75, 1]) out.push(`<text x="${X(s)}" y="${H - M.b + 14}" text-anchor="middle" font-size="10">${s}</text>`);
    out.push(`<text x="${x0 + W / 2}" y="${H - 6}" text-anchor="middle" font-size="11">corruption strength</text>`);
    for (let k = 0; k <= 4; k++) {
      const v = lo + ((hi - lo) * k) / 4;
      out.push(`<text x="${X(0) - 4}" y="${Y(v) + 3}" text-anchor="end" font-size="10">${v.toFixed(2)}</text>`);
    }
    out.push(`<line x1="${X(0)}" y1="${Y(r.identity.reference[kind])}" x2="${X(1)}" y2="${Y(r.identity.reference[kind])}" stroke="#bbb" stroke-dasharray="2 2"/>`);
    CORRUPTIONS.forEach((c, i) => {
      for (const mode of ['reference', 'fixed'] as const) {
        const pts = strengths.map((s) => r.cells.find((x) => x.corruption === c && x.strength === s && x.mode === mode)!).map((x) => `${X(x.strength).toFixed(1)},${Y(x[kind]).toFixed(1)}`);
        out.push(`<polyline fill="none" stroke="${COLORS[i]}" stroke-width="1.5"${mode === 'fixed' ? ' stroke-dasharray="5 3"' : ''} points="${pts.join(' ')}"><title>${esc(`${c} (${mode})`)}</title></polyline>`);
      }
    });
    return out.join('\n');
  };
  const legend = CORRUPTIONS.map((c, i) => `<g transform="translate(${20 + (i % 5) * 165},${H + 14 + Math.floor(i / 5) * 16})"><line x1="0" y1="-4" x2="18" y2="-4" stroke="${COLORS[i]}" stroke-width="2"/><text x="22" y="0" font-size="11">${c}</text></g>`).join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${2 * W}" height="${H + 70}" font-family="sans-serif">
<title>${esc(title)}</title>
<text x="${W}" y="${H + 60}" text-anchor="middle" font-size="11">${esc(title)} — solid: reference mode, dashed: fixed mode, grey: gold vs itself</text>
${panel('content', 0)}
${panel('structure', W)}
${legend}
</svg>
`;
}
