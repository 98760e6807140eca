/**
 * GSM8K answers: the free-text extractor for published solutions (`A:` line, else the last
 * number) and numeric comparison. The gold's `#### ` answer is core's `gsm8kFinal`.
 */

const NUMBER = /-?\$?\s?[\d,]*\.?\d+/g;

/** A number from free text: strips `$`, commas and spaces; null when there is none. */
export function toNumber(s: string): number | null {
  const m = s.replace(/[$,\s]/g, '').match(/-?\d*\.?\d+/);
  return m ? Number(m[0]) : null;
}

/** The final `A:` line's number, else the last number in the text; null when there is none. */
export function freeTextAnswer(text: string): number | null {
  const lines = [...text.matchAll(/^A:\s*(.*)$/gm)];
  if (lines.length) return toNumber(lines[lines.length - 1][1]);
  const all = text.match(NUMBER);
  return all ? toNumber(all[all.length - 1]) : null;
}

export function sameNumber(a: number | null, b: number | null, relTol = 1e-9): boolean {
  if (a === null || b === null || !Number.isFinite(a) || !Number.isFinite(b)) return false;
  return Math.abs(a - b) <= relTol * Math.max(1, Math.abs(a), Math.abs(b));
}

/** The prompt of suite gsm8k-json: the question, and the JSON shape wanted. */
export function gsm8kJsonPrompt(question: string): string {
  return `Solve the grade-school math problem. Reply with only a JSON object of the form {"reasoning": "<your step-by-step reasoning>", "answer": <the final answer as a number>}.\n\nProblem: ${question}`;
}
