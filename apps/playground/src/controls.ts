/**
 * The control panel: one declarative list of controls, each bound to a key of Config, turned
 * into labelled <select>, <input type=range> and checkbox elements. A range either spans
 * min…max by step or walks an explicit list of values (for log-spaced ones such as lr).
 */
import { ACTIVATIONS, type Config, DATASETS, INITS, NORMS, OPTIMIZERS, SCHEDULES } from './config.js';

type Key = keyof Config;
type Choice = readonly [value: string, label: string];

type Control = {
  key: Key;
  label: string;
  /** Shown as a tooltip: what the control does. */
  help: string;
  /** Shown only when this holds (e.g. momentum only for momentum optimizers). */
  when?: (c: Config) => boolean;
  /** Other settings that follow this one (the dataset sets its usual noise). */
  also?: (c: Config) => Partial<Config>;
} & (
  | { kind: 'select'; choices: readonly Choice[] }
  | { kind: 'range'; values: readonly number[] }
  | { kind: 'range'; min: number; max: number; step: number }
  | { kind: 'checkbox' }
);

const same = (names: readonly string[], labels: Record<string, string> = {}): Choice[] =>
  names.map((n) => [n, labels[n] ?? n] as const);

const usesMomentum = (c: Config) =>
  c.optimizer === 'momentum' || c.optimizer === 'nesterov' || c.optimizer === 'rmsprop';
const usesBetas = (c: Config) => c.optimizer === 'adam' || c.optimizer === 'adamw';

/** A noise level at which each dataset is learnable but not trivial (points span about [−1, 1]). */
const DATASET_NOISE: Record<Config['dataset'], number> = {
  moons: 0.15,
  circles: 0.08,
  spirals: 0.04,
  xor: 0.05,
  blobs: 0.35,
};

export const SECTIONS: ReadonlyArray<{ title: string; controls: readonly Control[] }> = [
  {
    title: 'Data',
    controls: [
      {
        key: 'dataset',
        label: 'Dataset',
        kind: 'select',
        choices: same(DATASETS),
        help: 'The 2-D problem. Picking one sets the noise to its usual level.',
        also: (c) => ({ noise: DATASET_NOISE[c.dataset] }),
      },
      {
        key: 'noise',
        label: 'Noise',
        kind: 'range',
        min: 0,
        max: 0.6,
        step: 0.01,
        help: 'Std of the Gaussian noise on the points: more noise, more overlap between classes.',
      },
      {
        key: 'trainSize',
        label: 'Training points',
        kind: 'range',
        values: [20, 50, 100, 200, 400, 800],
        help: 'Few points and a big network: watch the validation loss rise (overfitting).',
      },
      {
        key: 'seed',
        label: 'Seed',
        kind: 'range',
        min: 1,
        max: 20,
        step: 1,
        help: 'Data, init and dropout seed.',
      },
    ],
  },
  {
    title: 'Network',
    controls: [
      {
        key: 'depth',
        label: 'Hidden layers',
        kind: 'range',
        min: 0,
        max: 8,
        step: 1,
        help: '0 is softmax regression: a linear boundary.',
      },
      {
        key: 'width',
        label: 'Width',
        kind: 'range',
        values: [2, 4, 8, 16, 32, 64],
        help: 'Units per hidden layer.',
      },
      { key: 'activation', label: 'Activation', kind: 'select', choices: same(ACTIVATIONS), help: '' },
      {
        key: 'init',
        label: 'Initialization',
        kind: 'select',
        choices: same(INITS, {
          pytorch: 'PyTorch default',
          xavierUniform: 'Xavier uniform',
          xavierNormal: 'Xavier normal',
          kaimingUniform: 'Kaiming uniform',
          kaimingNormal: 'Kaiming normal',
          tooSmall: 'N(0, 0.01²): too small',
          tooLarge: 'N(0, 1): too large',
        }),
        help: 'Too small or too large a scale makes gradients vanish or explode in deep nets.',
      },
      {
        key: 'norm',
        label: 'Normalization',
        kind: 'select',
        choices: same(NORMS, { none: 'none', batch: 'batch norm', layer: 'layer norm' }),
        help: 'After each hidden linear layer, before the activation.',
      },
    ],
  },
  {
    title: 'Regularization',
    controls: [
      {
        key: 'dropout',
        label: 'Dropout p',
        kind: 'range',
        min: 0,
        max: 0.8,
        step: 0.05,
        help: 'Drop probability after each hidden block.',
      },
      {
        key: 'l1',
        label: 'L1 λ₁',
        kind: 'range',
        values: [0, 1e-5, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2],
        help: 'Adds λ₁·Σ|W| to the loss: pushes weights to exactly 0.',
      },
      {
        key: 'l2',
        label: 'L2 λ₂',
        kind: 'range',
        values: [0, 1e-5, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2],
        help: 'Adds λ₂·ΣW² to the loss: shrinks weights.',
      },
      {
        key: 'labelSmoothing',
        label: 'Label smoothing',
        kind: 'range',
        min: 0,
        max: 0.5,
        step: 0.05,
        help: 'Targets (1 − ε)·onehot + ε/classes: less confident predictions.',
      },
      {
        key: 'inputNoise',
        label: 'Input noise σ',
        kind: 'range',
        min: 0,
        max: 0.5,
        step: 0.01,
        help: 'Adds N(0, σ²) to every training input each time it is seen.',
      },
    ],
  },
  {
    title: 'Optimizer',
    controls: [
      {
        key: 'optimizer',
        label: 'Optimizer',
        kind: 'select',
        choices: same(OPTIMIZERS, {
          sgd: 'SGD',
          momentum: 'SGD + momentum',
          nesterov: 'SGD + Nesterov',
          rmsprop: 'RMSprop',
          adam: 'Adam',
          adamw: 'AdamW',
        }),
        help: 'Changing optimizer settings restarts its state (moments), not the weights.',
      },
      {
        key: 'lr',
        label: 'Learning rate',
        kind: 'range',
        values: [1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1, 3],
        help: 'Step size.',
      },
      {
        key: 'momentum',
        label: 'Momentum μ',
        kind: 'range',
        min: 0,
        max: 0.99,
        step: 0.01,
        help: 'b ← μ·b + g.',
        when: usesMomentum,
      },
      {
        key: 'alpha',
        label: 'RMSprop α',
        kind: 'range',
        values: [0.9, 0.95, 0.99, 0.999],
        help: 'Decay of the running mean of g².',
        when: (c) => c.optimizer === 'rmsprop',
      },
      {
        key: 'beta1',
        label: 'β₁',
        kind: 'range',
        values: [0, 0.5, 0.8, 0.9, 0.95, 0.99],
        help: 'Decay of the mean of g.',
        when: usesBetas,
      },
      {
        key: 'beta2',
        label: 'β₂',
        kind: 'range',
        values: [0.9, 0.99, 0.999, 0.9999],
        help: 'Decay of the mean of g².',
        when: usesBetas,
      },
      {
        key: 'weightDecay',
        label: 'Weight decay',
        kind: 'range',
        values: [0, 1e-4, 1e-3, 0.01, 0.03, 0.1, 0.3],
        help: 'AdamW: θ ← θ − lr·λ·θ, decoupled from the gradient.',
        when: (c) => c.optimizer === 'adamw',
      },
      {
        key: 'batchSize',
        label: 'Batch size',
        kind: 'range',
        values: [2, 4, 8, 16, 32, 64, 128, 256],
        help: 'Examples per step (capped at the training-set size).',
      },
      {
        key: 'clipNorm',
        label: 'Clip grad norm',
        kind: 'range',
        values: [0, 0.01, 0.1, 0.5, 1, 5],
        help: 'Rescale the gradient when its global norm exceeds this (0: off).',
      },
    ],
  },
  {
    title: 'Schedule and SWA',
    controls: [
      {
        key: 'schedule',
        label: 'LR schedule',
        kind: 'select',
        choices: same(SCHEDULES, {
          constant: 'constant',
          step: 'step (½ every T/4)',
          exponential: 'exponential (÷100 over T)',
          cosine: 'cosine annealing (period 2T)',
          warmup: 'linear warmup over T',
          cyclic: 'cyclic (triangle, period T)',
        }),
        help: 'Stepped once per epoch.',
      },
      {
        key: 'scheduleEpochs',
        label: 'Schedule T (epochs)',
        kind: 'range',
        values: [10, 20, 50, 100, 200, 500],
        help: 'Time scale of the schedule.',
        when: (c) => c.schedule !== 'constant',
      },
      {
        key: 'swa',
        label: 'SWA',
        kind: 'checkbox',
        help: 'Stochastic weight averaging (Izmailov et al. 2018).',
      },
      {
        key: 'swaStart',
        label: 'SWA start (epoch)',
        kind: 'range',
        values: [10, 20, 50, 100, 200, 500],
        help: 'From this epoch on, average the weights at the end of each epoch.',
        when: (c) => c.swa,
      },
      {
        key: 'swaLr',
        label: 'SWA lr',
        kind: 'range',
        values: [1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1],
        help: 'SWALR anneals to this lr over 10 epochs and holds it.',
        when: (c) => c.swa,
      },
    ],
  },
];

/** 0.0003 → "3e-4", 0.25 → "0.25", 200 → "200". */
export function formatValue(v: number): string {
  if (v === 0) return '0';
  if (Math.abs(v) < 1e-3) return v.toExponential(0);
  return String(Number(v.toPrecision(3)));
}

function nearestIndex(values: readonly number[], v: number): number {
  let best = 0;
  for (let i = 1; i < values.length; i++)
    if (Math.abs(values[i]! - v) < Math.abs(values[best]! - v)) best = i;
  return best;
}

/**
 * Builds the panel into `root` with `config`'s values; calls `onChange` with a new config after
 * every edit. Controls that do not apply to the current config (`when`) are hidden.
 */
export function buildControls(root: HTMLElement, config: Config, onChange: (c: Config) => void): void {
  const current: Config = { ...config };
  const rows: Array<{ row: HTMLElement; control: Control }> = [];
  /** Puts a value into a control's element (for settings changed by another control's `also`). */
  const shows = new Map<Key, (value: Config[Key]) => void>();
  const refreshVisibility = () => {
    for (const { row, control } of rows) row.hidden = control.when !== undefined && !control.when(current);
  };
  const set = (control: Control, value: Config[Key]) => {
    (current as Record<Key, Config[Key]>)[control.key] = value;
    for (const [key, v] of Object.entries(control.also?.(current) ?? {}) as Array<[Key, Config[Key]]>) {
      (current as Record<Key, Config[Key]>)[key] = v;
      shows.get(key)?.(v);
    }
    refreshVisibility();
    onChange({ ...current });
  };

  for (const section of SECTIONS) {
    const fieldset = document.createElement('fieldset');
    const legend = document.createElement('legend');
    legend.textContent = section.title;
    fieldset.append(legend);
    for (const control of section.controls) {
      const row = document.createElement('label');
      row.className = 'control';
      row.title = control.help;
      const name = document.createElement('span');
      name.className = 'name';
      name.textContent = control.label;
      row.append(name);
      const id = `ctl-${control.key}`;
      if (control.kind === 'select') {
        const select = document.createElement('select');
        select.id = id;
        for (const [value, label] of control.choices) select.add(new Option(label, value));
        shows.set(control.key, (v) => {
          select.value = String(v);
        });
        select.value = String(current[control.key]);
        select.addEventListener('change', () => set(control, select.value as Config[Key]));
        row.append(select);
      } else if (control.kind === 'checkbox') {
        const box = document.createElement('input');
        box.type = 'checkbox';
        box.id = id;
        shows.set(control.key, (v) => {
          box.checked = Boolean(v);
        });
        box.checked = Boolean(current[control.key]);
        box.addEventListener('change', () => set(control, box.checked));
        row.append(box);
      } else {
        const input = document.createElement('input');
        input.type = 'range';
        input.id = id;
        const out = document.createElement('output');
        const list = 'values' in control ? control.values : null;
        if (list !== null) {
          input.min = '0';
          input.max = String(list.length - 1);
          input.step = '1';
        } else if ('min' in control) {
          input.min = String(control.min);
          input.max = String(control.max);
          input.step = String(control.step);
        }
        const read = () => (list !== null ? list[Number(input.value)]! : Number(input.value));
        const show = (v: Config[Key]) => {
          input.value = String(list !== null ? nearestIndex(list, v as number) : v);
          out.textContent = formatValue(read());
        };
        shows.set(control.key, show);
        show(current[control.key]);
        input.addEventListener('input', () => {
          out.textContent = formatValue(read());
          set(control, read());
        });
        row.append(input, out);
      }
      rows.push({ row, control });
      fieldset.append(row);
    }
    root.append(fieldset);
  }
  refreshVisibility();
}
