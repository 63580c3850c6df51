import { jax } from './jax.js';
import type { System } from './system.js';
import { tfjsCpu, tfjsWasm } from './tfjs.js';
import { tsgrad, tsgrad2t, tsgradJs, tsgradSimd } from './tsgrad.js';

/** Every system under test, tsgrad first (the ratios are tsgrad's time over each other's). */
export const SYSTEMS: readonly System[] = [tsgrad, tsgradSimd, tsgradJs, tsgrad2t, tfjsCpu, tfjsWasm, jax];

export function systemNamed(name: string): System {
  const s = SYSTEMS.find((x) => x.name === name);
  if (s === undefined) throw new Error(`bench: unknown system '${name}'`);
  return s;
}
