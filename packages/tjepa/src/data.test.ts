import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@repro/core';
import { useSharedMirror } from '@repro/core/testing';
import { disposeTask, loadTask, type TabularTask } from './data.js';

const mirror = useSharedMirror();

beforeAll(async () => { await initBackend(); });

describe.skipIf(!mirror)('California Housing splits', () => {
  const ys = (t: TabularTask) => [t.train.y, t.val.y, t.test.y].map((y) => Array.from(y));

  it('64/16/20 of the 20,640 rows, drawn from the split seed alone, scaled on training rows', async () => {
    const a = await loadTask('california-housing', 42);
    const again = await loadTask('california-housing', 42);
    const other = await loadTask('california-housing', 1);
    try {
      expect([a.train.y.length, a.val.y.length, a.test.y.length]).toEqual([13209, 3302, 4129]);
      // the suite passes one split seed to every run: the same seed must give the same rows
      expect(ys(again)).toEqual(ys(a));
      expect(ys(other)[2]).not.toEqual(ys(a)[2]);
      // min-max statistics come from the training rows: each training column spans exactly [0, 1]
      const x = a.train.x.numeric.arraySync();
      for (let j = 0; j < a.numNumeric; j++) {
        const col = x.map((r) => r[j]);
        expect([Math.min(...col), Math.max(...col)]).toEqual([0, 1]);
      }
      expect(a.numNumeric).toBe(8); // ocean_proximity dropped
    } finally {
      for (const t of [a, again, other]) disposeTask(t);
    }
  }, 60_000);
});
