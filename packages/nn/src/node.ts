/**
 * @tsgrad/nn/node — file helpers for Node.js (kept out of the main entry, which runs in browsers).
 *
 *   import { saveSafetensorsFile, loadSafetensorsFile } from '@tsgrad/nn/node';
 *   saveSafetensorsFile('mlp.safetensors', model);
 *   model.loadStateDict(loadSafetensorsFile('mlp.safetensors'));
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { Tensor } from '@tsgrad/autograd';
import { loadSafetensors, type NamedTensors, saveSafetensors } from './serialization.js';

/** Writes named tensors (or a module's state dict) to a .safetensors file. */
export function saveSafetensorsFile(
  path: string,
  tensors: NamedTensors,
  metadata?: Readonly<Record<string, string>>,
): void {
  writeFileSync(path, saveSafetensors(tensors, metadata));
}

/** Reads a .safetensors file into named tensors (see `loadSafetensors` for what is checked). */
export function loadSafetensorsFile(path: string): Map<string, Tensor> {
  return loadSafetensors(readFileSync(path));
}
