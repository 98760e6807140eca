import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { backendInfo, initBackend } from './init.js';

describe('initBackend', () => {
  it('rejects an unknown REPRO_BACKEND naming the choices', async () => {
    const saved = process.env.REPRO_BACKEND;
    process.env.REPRO_BACKEND = 'tpu';
    try {
      expect(() => initBackend()).toThrow(/REPRO_BACKEND="tpu" is not a backend; use one of node-gpu, node, wasm, cpu/);
    } finally {
      if (saved === undefined) delete process.env.REPRO_BACKEND; else process.env.REPRO_BACKEND = saved;
    }
  });

  it('a forced native backend that is not installed is an error with the install command, never a fallback', async () => {
    await expect(initBackend({ prefer: 'node' })).rejects.toThrow(/backend 'node' was asked for but could not be loaded: .*npm i @tensorflow\/tfjs-node@4\.22\.0/);
  });

  it('without a preference picks the first that loads (wasm here) and reports it', async () => {
    const info = await initBackend();
    expect(['node-gpu', 'node', 'wasm']).toContain(info.name);
    expect(backendInfo()).toBe(info);
    expect(tf.getBackend()).toBe(info.tfBackend);
    expect(info.threads).toBeGreaterThanOrEqual(1);
    if (info.name === 'wasm') expect(info.kernels!.cpuFallback).toContain('Einsum');
    // Forcing cpu afterwards switches and says so.
    expect((await initBackend({ prefer: 'cpu' })).name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
  });
});
