/**
 * A device's own seeded randomness (reader error model, Stripe delay): the emulator's mulberry32,
 * seeded from the run seed and the device id, so a rerun with the same seed behaves the same.
 */
import { mulberry32 } from './emulator/rng.js';

export function seededRandom(seed: number, label: string): () => number {
  let h = seed >>> 0;
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x9e3779b1) >>> 0;
  return mulberry32(h || 1);
}
