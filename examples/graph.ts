/**
 * The autograd graph of a small expression — a one-neuron logistic regression loss — as
 * Graphviz DOT text: the graph `backward()` walks. Rendered to SVG if `dot` is on the PATH.
 *
 *   loss = −[y·log σ(w·x + b) + (1 − y)·log(1 − σ(w·x + b))]
 *
 *   pnpm example:graph
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tensor, toDot } from '@tsgrad/autograd';
import { type CommonOptions, isMain, log, outPath, parseOptions } from './lib/cli.js';

export function main(options: CommonOptions = {}) {
  const x = tensor([1.5, -0.5]);
  const y = tensor(1);
  const w = tensor([0.3, 0.8], { requiresGrad: true });
  const b = tensor(0.1, { requiresGrad: true });
  const p = x.mul(w).sum().add(b).sigmoid();
  const loss = y
    .mul(p.log())
    .add(y.neg().add(1).mul(p.neg().add(1).log()))
    .neg();
  const names = new Map([
    [x, 'x'],
    [y, 'y'],
    [w, 'w'],
    [b, 'b'],
    [loss, 'loss'],
  ]);
  const dot = toDot(loss, { names });

  mkdirSync(outPath(options, ''), { recursive: true });
  const dotPath = outPath(options, 'graph.dot');
  writeFileSync(dotPath, dot);
  const svgPath = outPath(options, 'graph.svg');
  const rendered = spawnSync('dot', ['-Tsvg', dotPath, '-o', svgPath]).status === 0;
  loss.backward();
  log(
    options,
    dot,
    `loss ${loss.item().toFixed(4)}; ∂loss/∂w = [${(w.grad!.toArray() as number[]).map((v) => v.toFixed(4))}], ∂loss/∂b = ${b.grad!.item().toFixed(4)}`,
    `DOT written to ${dotPath}`,
    rendered
      ? `rendered to ${svgPath}`
      : 'Graphviz `dot` not found: paste the DOT into https://dreampuf.github.io/GraphvizOnline',
  );
  return { dot, rendered, loss: loss.item(), gradW: w.grad!.toArray() as number[], gradB: b.grad!.item() };
}

if (isMain(import.meta.url)) main(parseOptions<CommonOptions>({}));
