// @repro/struc-bench: Struc-Bench's H-Score (table, HTML, LaTeX), P-Score judge, FormatCoT prompts.
export { SequenceMatcher, levenshtein, levenshteinSimilarity, difflibSimilarity, type Seq } from './sequence-matcher.js';
export { scoreTable, tableArtifacts, teamAndPlayerReference, teamAndPlayerFixed, type TableArtifacts, type TableScore } from './table.js';
export { scoreHtml, parseHtml, flattenReference, flattenFixed, htmlMode, textOf, RECOGNIZED_HTML_TAGS, type HtmlNode, type HtmlScore, type HtmlMode } from './html.js';
export { scoreLatex, latexArtifacts, type LatexArtifacts, type LatexScore } from './latex.js';
export { parseLatex, type LatexNode } from './latex-nodes.js';
export { scoreCorpus, readCorpusFiles, SCORERS, type CorpusScore } from './corpus.js';
export { readStrucBenchItems, type StrucBenchItem } from './data-file.js';
export { pySlice } from './pyslice.js';
export { FORMATS, SCORE_MODES, type Format, type ScoreMode, type HScore } from './types.js';
export { judgePrompt, parseJudgeReply, pScore, JUDGE_SYSTEM, JUDGE_TEMPERATURE, JUDGE_MAX_TOKENS, type ChatBatchFn, type ChatMessage, type JudgeVerdict, type PScore } from './judge.js';
export { formatInstructions, generationPrompt, formatDescriptionPrompt } from './formatcot.js';
export { renderText, renderHtml, renderLatex, RENDERERS, type SimpleTable, type TableDoc } from './render.js';
export { corrupt, CORRUPTIONS, TEXT_LEVEL, type Corruption } from './corrupt.js';
export { runSensitivity, sampleDocs, sampleTable, sensitivityMetric, SENSITIVITY_DEFAULTS, type SensitivityConfig, type SensitivityResult, type SensitivityCell } from './sensitivity.js';
export { sensitivitySvg } from './plot.js';

/** The scoring-throughput microbenchmark's entry script (run by suite strucbench-throughput). */
export const SCORING_BENCH_SCRIPT = new URL('./bench/scoring.bench.js', import.meta.url);
