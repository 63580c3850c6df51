/**
 * A custom op with its own backward, and how to prove the backward right — the pattern to
 * copy into your own code and tests.
 *
 *   hypot(a, b) = √(a² + b²)          ∂h/∂a = a/h       ∂h/∂b = b/h
 *
 * 1. customOp: the forward on typed arrays (fast, not recorded), the backward in tensor ops
 *    (so gradients of gradients work too).
 * 2. gradcheck: analytic gradient vs central differences, in float64; gradgradcheck for the
 *    second derivatives.
 * 3. a fast-check property: gradcheck holds for random shapes and values, not just one input.
 * 4. a buggy backward (∂h/∂a = a, the forgotten 1/h) and the report gradcheck gives for it.
 *
 *   pnpm example:customOp
 */
import { customOp, GradcheckError, gradcheck, gradgradcheck, Tensor, tensor } from '@tsgrad/autograd';
import fc from 'fast-check';
import { type CommonOptions, formatTable, isMain, log, parseOptions } from './lib/cli.js';

/** hypot, with a correct backward (or, with `buggy`, one that forgets to divide by h). */
export function makeHypot(buggy = false): (a: Tensor, b: Tensor) => Tensor {
  return customOp({
    name: buggy ? 'buggyHypot' : 'hypot',
    forward(ctx, a: Tensor, b: Tensor) {
      if (a.size !== b.size) throw new RangeError(`hypot: shapes differ: [${a.shape}] and [${b.shape}]`);
      const h = Tensor.empty(a.shape, a.dtype);
      for (let i = 0; i < h.size; i++) h.data[i] = Math.hypot(a.data[i]!, b.data[i]!);
      ctx.save(a, b, h);
      return h;
    },
    backward(ctx, gradOut) {
      const [a, b, h] = ctx.saved as [Tensor, Tensor, Tensor];
      const scale = buggy ? gradOut : gradOut.div(h); // ∂L/∂h · 1/h
      return [ctx.needsInputGrad[0] ? scale.mul(a) : null, ctx.needsInputGrad[1] ? scale.mul(b) : null];
    },
  });
}

export function main(options: CommonOptions = {}) {
  const hypot = makeHypot();
  const f64 = { dtype: 'float64' as const, requiresGrad: true };
  const a = tensor([3, -1, 0.5], f64);
  const b = tensor([4, 2, -0.25], f64);
  const rows: Array<[string, string]> = [];

  hypot(a, b).sum().backward();
  rows.push([
    'forward hypot([3,-1,0.5], [4,2,-0.25])',
    (hypot(a, b).toArray() as number[]).map((v) => v.toFixed(4)).join(', '),
  ]);
  rows.push(['∂/∂a (= a/h)', (a.grad!.toArray() as number[]).map((v) => v.toFixed(4)).join(', ')]);
  const gradcheckPassed = gradcheck(hypot, [a, b]);
  rows.push(['gradcheck', gradcheckPassed ? 'passed' : 'failed']);
  const gradgradcheckPassed = gradgradcheck(hypot, [a, b]);
  rows.push(['gradgradcheck', gradgradcheckPassed ? 'passed' : 'failed']);

  // The property: for any shape and any inputs not both near 0 (where h has a kink), gradcheck holds.
  const numRuns = options.quick ? 20 : 100;
  const away = fc.double({ min: 0.1, max: 10, noNaN: true }).chain((m) => fc.constantFrom(m, -m));
  const pair = fc
    .integer({ min: 1, max: 6 })
    .chain((n) =>
      fc.tuple(
        fc.array(away, { minLength: n, maxLength: n }),
        fc.array(away, { minLength: n, maxLength: n }),
      ),
    );
  fc.assert(
    fc.property(pair, ([xs, ys]) => gradcheck(hypot, [tensor(xs, f64), tensor(ys, f64)])),
    { numRuns, seed: options.seed ?? 0 },
  );
  rows.push([`fast-check property (${numRuns} random inputs)`, 'passed']);

  let buggyReport = '';
  try {
    gradcheck(makeHypot(true), [a, b]);
  } catch (e) {
    if (!(e instanceof GradcheckError)) throw e;
    buggyReport = e.message;
  }
  rows.push(['gradcheck of the buggy backward', buggyReport === '' ? 'passed (!)' : 'caught']);
  log(
    options,
    formatTable(['check', 'result'], rows),
    '',
    'gradcheck report for the buggy backward:',
    buggyReport,
  );
  return {
    gradcheckPassed,
    gradgradcheckPassed,
    propertyRuns: numRuns,
    buggyReport,
    gradA: a.grad!.toArray() as number[],
  };
}

if (isMain(import.meta.url)) main(parseOptions<CommonOptions>({}));
