/**
 * Generic properties, run for every entry of the op-spec table (PyTorch's OpInfo idea): adding
 * an op to test/specs/<family>.ts enrols it in all of them.
 *
 *   differentiable ops:  float64 gradcheck · gradgradcheck (unless spec.gradgrad === false)
 *                        · backward gives gradients of the inputs' shapes and dtype
 *   every op:            float32 result ≈ float64 result · noGrad records nothing
 *   hasGrad === false:   the result is not differentiable even when the inputs require grad
 *
 * Runs are few and inputs small so that hundreds of specs finish in seconds; the per-family
 * test files go deeper (golden values, edge cases).
 */
import { gradcheck, gradgradcheck, noGrad, Tensor } from '@tsgrad/autograd';
import { arbBroadcastShapes, arbTensors, type TensorArbOptions } from '@tsgrad/autograd/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type OpSpec, opSpecs } from '../opSpecs.js';

/** Runs per property: enough to meet rank 0, size-1 dims and broadcasting, cheap enough for ~300 specs. */
const RUNS = 20;
/** gradgradcheck differentiates a backward pass: about 3× the cost of gradcheck, so fewer runs. */
const GRADGRAD_RUNS = 12;
/** Default shapes when a spec gives none: one per parameter of fn, broadcastable, at most 3×3×3. */
const DEFAULT_SHAPE = { maxRank: 3, maxDim: 3 };
/**
 * Above this many input elements, gradcheck projects the Jacobian on random vectors (fastMode:
 * 2 forward passes per input instead of 2 per element). Small inputs get the full element-wise
 * comparison, which names the wrong entry; a wrong backward is caught either way.
 */
const FAST_MODE_ABOVE = 24;
/** Relative tolerance of float32 ≈ float64 unless the spec sets float32Rtol. */
const DEFAULT_FLOAT32_RTOL = 1e-4;

/** Float64 inputs for one run, each a fresh tensor (with requiresGrad where the spec says). */
function arbInputs(spec: OpSpec): fc.Arbitrary<Tensor[]> {
  let raw: fc.Arbitrary<Tensor[]>;
  if (spec.inputs !== undefined) {
    raw = spec.inputs;
  } else {
    const shapes = spec.shapes ?? arbBroadcastShapes(spec.fn.length, DEFAULT_SHAPE);
    const withDType = (d: TensorArbOptions): TensorArbOptions => ({ ...d, dtype: 'float64' });
    const domain = spec.domain ?? {};
    const options = Array.isArray(domain)
      ? (domain as readonly TensorArbOptions[]).map(withDType)
      : withDType(domain as TensorArbOptions);
    raw = arbTensors(shapes, options);
  }
  return raw.map((xs) => xs.map((x, i) => copy(x, 'float64', isDifferentiable(spec, i))));
}

/** Whether input i takes part in differentiation (index and mask inputs do not). */
function wantsGrad(spec: OpSpec, i: number): boolean {
  return spec.differentiable?.[i] ?? true;
}

function isDifferentiable(spec: OpSpec, i: number): boolean {
  return spec.hasGrad !== false && wantsGrad(spec, i);
}

function copy(x: Tensor, dtype: 'float32' | 'float64', requiresGrad: boolean): Tensor {
  const data = dtype === 'float64' ? Float64Array.from(x.data) : Float32Array.from(x.data);
  return new Tensor(data, x.shape, requiresGrad);
}

function totalSize(xs: readonly Tensor[]): number {
  return xs.reduce((n, x) => n + x.size, 0);
}

function fmtShapes(xs: readonly Tensor[]): string {
  return xs.map((x) => `[${x.shape.join(', ')}]`).join(', ');
}

describe('op-spec table', () => {
  it('has unique spec names (they name the tests below)', () => {
    const names = opSpecs.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
  });
});

for (const spec of opSpecs) {
  describe(spec.name, () => {
    const differentiable = spec.hasGrad !== false;

    if (differentiable) {
      it(`${spec.name}: analytic gradient equals central differences (float64)`, () => {
        fc.assert(
          fc.property(arbInputs(spec), (xs) => {
            gradcheck(spec.fn, xs, { fastMode: totalSize(xs) > FAST_MODE_ABOVE });
          }),
          { numRuns: RUNS },
        );
      });

      if (spec.gradgrad !== false) {
        it(`${spec.name}: gradient of the gradient equals central differences (float64)`, () => {
          fc.assert(
            fc.property(arbInputs(spec), (xs) => {
              gradgradcheck(spec.fn, xs, { fastMode: totalSize(xs) > FAST_MODE_ABOVE });
            }),
            { numRuns: GRADGRAD_RUNS },
          );
        });
      }

      it(`${spec.name}: backward gives gradients with the inputs' shapes and dtype`, () => {
        fc.assert(
          fc.property(arbInputs(spec), (xs) => {
            const y = spec.fn(...xs);
            expect(y.requiresGrad, `output of ${spec.name}(${fmtShapes(xs)}) should require grad`).toBe(true);
            y.backward(new Tensor(new Float64Array(y.size).fill(1), y.shape));
            xs.forEach((x, i) => {
              if (!x.requiresGrad) return;
              expect(x.grad, `grad of input ${i}`).not.toBeNull();
              expect(x.grad!.shape).toEqual(x.shape);
              expect(x.grad!.dtype).toBe('float64');
            });
          }),
          { numRuns: RUNS },
        );
      });
    } else {
      it(`${spec.name}: result is not differentiable even when the inputs require grad`, () => {
        fc.assert(
          fc.property(arbInputs(spec), (xs) => {
            const y = spec.fn(...xs.map((x, i) => copy(x, 'float64', wantsGrad(spec, i))));
            expect(y.requiresGrad).toBe(false);
            expect(y.node).toBeNull();
          }),
          { numRuns: RUNS },
        );
      });
    }

    const rtol = spec.float32Rtol ?? DEFAULT_FLOAT32_RTOL;
    it(`${spec.name}: float32 result matches float64 (rtol ${rtol})`, () => {
      fc.assert(
        fc.property(arbInputs(spec), (xs) => {
          // Both runs see the same (float32-representable) inputs, so the difference measures
          // only the op's own float32 arithmetic, not the rounding of its inputs.
          const x32 = xs.map((x) => copy(x, 'float32', false));
          const y32 = spec.fn(...x32);
          const y64 = spec.fn(...x32.map((x) => copy(x, 'float64', false)));
          expect(y32.dtype).toBe('float32');
          expect(y32.shape).toEqual(y64.shape);
          for (let k = 0; k < y64.size; k++) {
            const a = y32.data[k]!;
            const b = y64.data[k]!;
            if (Number.isNaN(b)) {
              expect(a, `element ${k}`).toBeNaN();
              continue;
            }
            // Relative for |y| ≥ 1; absolute rtol below, where a result near 0 comes from
            // cancelling O(1) terms and its float32 error is relative to them, not to y.
            const allowed = rtol * Math.max(1, Math.abs(b));
            if (!(Math.abs(a - b) <= allowed || a === b)) {
              expect.fail(
                `${spec.name}(${fmtShapes(xs)}) element ${k}: float32 ${a} vs float64 ${b}, ` +
                  `|difference| ${Math.abs(a - b)} > ${allowed}`,
              );
            }
          }
        }),
        { numRuns: RUNS },
      );
    });

    it(`${spec.name}: noGrad records nothing`, () => {
      fc.assert(
        fc.property(arbInputs(spec), (xs) => {
          const inputs = xs.map((x, i) => copy(x, 'float64', wantsGrad(spec, i)));
          const y = noGrad(() => spec.fn(...inputs));
          expect(y.node).toBeNull();
          expect(y.requiresGrad).toBe(false);
        }),
        { numRuns: RUNS },
      );
    });
  });
}
