/**
 * A reliability diagram as a standalone SVG: per confidence bin, the accuracy (bar) against the
 * bin's mean confidence (outlined), with the diagonal of perfect calibration and the ECE in the title.
 */
import type { ReliabilityBin } from '@repro/core';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

export function reliabilitySvg(bins: ReliabilityBin[], title: string, ece: number): string {
  const W = 360, H = 360, m = { l: 50, r: 15, t: 40, b: 45 };
  const pw = W - m.l - m.r, ph = H - m.t - m.b;
  const x = (v: number) => m.l + v * pw, y = (v: number) => m.t + (1 - v) * ph;
  const total = bins.reduce((s, b) => s + b.count, 0);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`,
    `<title>${esc(title)}</title>`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="18" text-anchor="middle" font-size="13">${esc(title)}</text>`,
    `<text x="${W / 2}" y="32" text-anchor="middle">ECE ${ece.toFixed(2)} (x100), n = ${total}</text>`,
  ];
  for (const b of bins) {
    const bx = x(b.lower), bw = x(b.upper) - bx;
    if (b.count) {
      parts.push(`<rect x="${bx.toFixed(1)}" y="${y(b.acc).toFixed(1)}" width="${bw.toFixed(1)}" height="${(y(0) - y(b.acc)).toFixed(1)}" fill="#4c78a8" stroke="white"><title>${b.lower.toFixed(1)}-${b.upper.toFixed(1)}: accuracy ${b.acc.toFixed(3)}, confidence ${b.avgConf.toFixed(3)}, ${b.count} examples</title></rect>`);
      const lo = Math.min(b.acc, b.avgConf), hi = Math.max(b.acc, b.avgConf);
      parts.push(`<rect x="${bx.toFixed(1)}" y="${y(hi).toFixed(1)}" width="${bw.toFixed(1)}" height="${(y(lo) - y(hi)).toFixed(1)}" fill="#e45756" fill-opacity="0.35" stroke="#e45756"/>`);
    }
  }
  parts.push(`<line x1="${x(0)}" y1="${y(0)}" x2="${x(1)}" y2="${y(1)}" stroke="#555" stroke-dasharray="4 3"/>`);
  parts.push(`<rect x="${m.l}" y="${m.t}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`);
  for (let i = 0; i <= 10; i += 2) {
    const v = i / 10;
    parts.push(`<text x="${x(v)}" y="${y(0) + 15}" text-anchor="middle">${v.toFixed(1)}</text>`);
    parts.push(`<text x="${m.l - 6}" y="${y(v) + 4}" text-anchor="end">${v.toFixed(1)}</text>`);
  }
  parts.push(`<text x="${W / 2}" y="${H - 10}" text-anchor="middle">confidence</text>`);
  parts.push(`<text transform="translate(14 ${m.t + ph / 2}) rotate(-90)" text-anchor="middle">accuracy</text>`);
  parts.push('</svg>\n');
  return parts.join('\n');
}
