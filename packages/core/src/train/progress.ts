/**
 * Progress for long runs on stderr: a redrawn bar on a terminal, one line per epoch otherwise
 * (so CI logs stay readable). REPRO_QUIET=1 silences it.
 */
export interface Progress {
  step(done: number, total: number, info: string): void;
  epoch(line: string): void;
  done(): void;
}

/** Progress that only forwards each epoch's line (to a run's log); no bar. */
export function lineProgress(log: (line: string) => void): Progress {
  return { step() {}, epoch: log, done() {} };
}

export function progress(label: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (process.env.REPRO_QUIET === '1') return { step() {}, epoch() {}, done() {} };
  const tty = Boolean(stream.isTTY);
  let last = 0;
  return {
    step(done, total, info) {
      if (!tty) return;
      const now = Date.now();
      if (now - last < 100 && done < total) return;
      last = now;
      const width = 24, fill = Math.round((width * done) / Math.max(total, 1));
      stream.write(`\r${label} [${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${done}/${total} ${info}\x1b[K`);
    },
    epoch(line) {
      stream.write(tty ? `\r${label} ${line}\x1b[K\n` : `${label} ${line}\n`);
    },
    done() {
      if (tty) stream.write('\x1b[K');
    },
  };
}

/** A time left, as a person reads it: "40 s", "12 min", "3 h 05 min". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return 'unknown';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}
