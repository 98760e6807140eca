/**
 * One core's share of the benchmark's two-thread floor: loads the instances of its half of the
 * schemas (workerData.half), says 'ready', then answers each message by parsing and checking them
 * all once and posting how many were valid.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadFloorItems, parseAndValidate } from './scoring-floor.js';

const items = await loadFloorItems(workerData.half as 0 | 1);
parentPort!.on('message', () => parentPort!.postMessage(parseAndValidate(items)));
parentPort!.postMessage({ ready: items.length });
