export { initBackend, backendInfo, BACKENDS, type BackendChoice, type BackendInfo } from './backend/init.js';
export { Rng, rngFor } from './rng.js';
