/**
 * Initialization: the mean and standard deviation of the activations, layer by layer, of a
 * 10-layer network at initialization, for six ways to draw the weights.
 *
 *   N(0, 0.01²)       activations shrink by a constant factor per layer and collapse to 0
 *   N(0, 1)           they blow up (ReLU) or saturate at ±1 (tanh)
 *   Glorot / Xavier   Var(W) = 2/(fanIn + fanOut): keeps tanh's variance, halves ReLU's per layer
 *   He / Kaiming      Var(W) = 2/fanIn: keeps ReLU's variance constant
 * Ref: Glorot & Bengio 2010, §4.2 eq. 12–16; He et al. 2015, "Delving Deep into Rectifiers", §2.2.
 *
 *   pnpm example:initialization
 */
import { manualSeed, noGrad, randn, type Tensor } from '@tsgrad/autograd';
import { init, Linear } from '@tsgrad/nn';
import { type CommonOptions, formatTable, isMain, log, outPath, parseOptions } from './lib/cli.js';
import { saveFigure } from './lib/plot.js';

export interface InitializationOptions extends CommonOptions {
  depth: number;
  width: number;
}

const DEFAULTS: InitializationOptions = { depth: 10, width: 256 };

export const SCHEMES: Record<string, (w: Tensor) => void> = {
  'N(0, 0.01)': (w) => init.normal(w, 0, 0.01),
  'N(0, 1)': (w) => init.normal(w, 0, 1),
  'Glorot uniform': (w) => init.xavierUniform(w),
  'Glorot normal': (w) => init.xavierNormal(w),
  'He uniform': (w) => init.kaimingUniform(w, { nonlinearity: 'relu' }),
  'He normal': (w) => init.kaimingNormal(w, { nonlinearity: 'relu' }),
};

/** Per layer: the mean and std of the activations of a fresh depth×width network on x. */
function activationStats(x: Tensor, scheme: (w: Tensor) => void, activation: 'relu' | 'tanh', depth: number) {
  const stats: Array<{ mean: number; std: number }> = [];
  noGrad(() => {
    let h = x;
    for (let l = 0; l < depth; l++) {
      const layer = new Linear(h.shape[1]!, h.shape[1]!);
      scheme(layer.weight);
      init.zeros(layer.bias!);
      h = activation === 'relu' ? layer.forward(h).relu() : layer.forward(h).tanh();
      stats.push({ mean: h.mean().item(), std: h.std().item() });
    }
  });
  return stats;
}

export function main(opts: Partial<InitializationOptions> = {}) {
  const o = { ...DEFAULTS, ...opts };
  const width = o.quick ? 64 : o.width;
  manualSeed(o.seed ?? 0);
  const x = randn([o.quick ? 128 : 512, width]);
  const results: Record<string, Record<string, Array<{ mean: number; std: number }>>> = {
    relu: {},
    tanh: {},
  };
  const panels = [];
  for (const activation of ['relu', 'tanh'] as const) {
    for (const [name, scheme] of Object.entries(SCHEMES)) {
      results[activation]![name] = activationStats(x, scheme, activation, o.depth);
    }
    const header = ['init', ...Array.from({ length: o.depth }, (_, l) => `std ${l + 1}`), `mean ${o.depth}`];
    const rows = Object.entries(results[activation]!).map(([name, s]) => [
      name,
      ...s.map((v) => v.std),
      s.at(-1)!.mean,
    ]);
    log(
      o,
      `\n${activation} network, ${o.depth} layers of ${width}: std of each layer's activations`,
      formatTable(header, rows, 3),
    );
    const layers = Array.from({ length: o.depth }, (_, l) => l + 1);
    panels.push(
      {
        title: `${activation}: activation std per layer`,
        xLabel: 'layer',
        logY: true,
        series: Object.entries(results[activation]!).map(([name, s]) => ({
          name,
          x: layers,
          y: s.map((v) => v.std),
        })),
      },
      {
        title: `${activation}: activation mean per layer (N(0, 1) left out: it explodes)`,
        xLabel: 'layer',
        series: Object.entries(results[activation]!)
          .filter(([name]) => name !== 'N(0, 1)')
          .map(([name, s]) => ({
            name,
            x: layers,
            y: s.map((v) => v.mean),
          })),
      },
    );
  }
  const plotPath = saveFigure(outPath(o, 'initialization.svg'), panels, 2);
  log(o, `plot: ${plotPath}`);
  return { results, plotPath };
}

if (isMain(import.meta.url)) main(parseOptions(DEFAULTS));
