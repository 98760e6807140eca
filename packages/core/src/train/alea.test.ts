import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { aleaJumps, aleaState, aleaWords } from './alea.js';

/** seedrandom's own alea for `seed`, advanced `steps` draws. */
function stepped(seed: string, steps: number) {
  const prng = seedrandom.alea(seed, { state: true });
  for (let i = 0; i < steps; i++) prng();
  return prng.state();
}

describe('alea jump-ahead', () => {
  it('lands on the state seedrandom reaches draw by draw', () => {
    for (const seed of ['1', '2147483646', 'a seed', '-7']) {
      for (const steps of [0, 1, 2, 3, 4, 1000, 99991]) {
        const jumps = aleaJumps(aleaState(seed), steps, 3);
        expect(jumps).toEqual([1, 2, 3].map((k) => stepped(seed, k * steps)));
      }
    }
  });

  it('starts where seedrandom starts, with whole 32-bit words', () => {
    expect(aleaState('x')).toEqual(seedrandom.alea('x', { state: true }).state());
    for (const w of aleaWords(aleaState('x'))) expect(Number.isInteger(w) && w >= 0 && w < 2 ** 32).toBe(true);
  });

  it('rejects a step count that is not a whole number', () => {
    expect(() => aleaJumps(aleaState('1'), 1.5, 1)).toThrow(/whole number/);
    expect(() => aleaJumps(aleaState('1'), -1, 1)).toThrow(/whole number/);
  });
});
