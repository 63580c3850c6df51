/** Golden values from PyTorch 1.13, written by tools/golden/*.py into test/golden/<name>.json. */
import { readFileSync } from 'node:fs';

export { expectCloseToGolden, fromGolden, type GoldenTensor } from '@tsgrad/autograd/testing';

/** Parses test/golden/<name>.json. */
export function loadGolden<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./golden/${name}.json`, import.meta.url), 'utf8')) as T;
}
