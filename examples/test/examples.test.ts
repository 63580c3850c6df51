/**
 * Each example in quick mode, asserting the result it exists to show (not merely that it ran).
 * Plots go to a temporary directory.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSafetensorsFile } from '@tsgrad/nn/node';
import { describe, expect, it } from 'vitest';
import { main as customOp } from '../customOp.js';
import { main as fitting } from '../fitting.js';
import { main as graph } from '../graph.js';
import { main as initialization } from '../initialization.js';
import { main as mnist } from '../mnist.js';
import { main as normalization } from '../normalization.js';
import { main as optimizers } from '../optimizers.js';
import { main as regularization } from '../regularization.js';
import { main as schedules } from '../schedules.js';
import { main as vanishingGradients } from '../vanishingGradients.js';
import { main as xor } from '../xor.js';

const quiet = { quick: true, verbose: false, outDir: mkdtempSync(join(tmpdir(), 'tsgrad-examples-')) };
const isSvg = (path: string) => existsSync(path) && readFileSync(path, 'utf8').startsWith('<svg');
const last = <T>(xs: readonly T[]): T => xs[xs.length - 1]!;

describe('examples (quick mode)', () => {
  it('xor: the loss falls by 20× and all four cases are classified', () => {
    const { losses, predictions } = xor({ verbose: false });
    expect(last(losses)).toBeLessThan(losses[0]! / 20);
    expect(predictions.map(Math.round)).toEqual([0, 1, 1, 0]);
  });

  it('customOp: hypot passes gradcheck, gradgradcheck and the property; the buggy backward is caught', () => {
    const r = customOp(quiet);
    expect(r.gradcheckPassed && r.gradgradcheckPassed).toBe(true);
    expect(r.gradA[0]).toBeCloseTo(3 / 5, 12);
    expect(r.gradA[1]).toBeCloseTo(-1 / Math.sqrt(5), 12);
    expect(r.buggyReport).toMatch(/Jacobian mismatch.*analytic 3 vs numeric 0\.6/);
  });

  it('graph: DOT text names the leaves, and backward gives (σ(w·x + b) − y)·x', () => {
    const r = graph(quiet);
    expect(r.dot).toMatch(/^digraph autograd \{/);
    expect(r.dot).toContain('sigmoid');
    for (const name of ['"w', '"b', '"loss']) expect(r.dot).toContain(name);
    const p = 1 / (1 + Math.exp(-(1.5 * 0.3 - 0.5 * 0.8 + 0.1)));
    expect(r.gradW[0]).toBeCloseTo((p - 1) * 1.5, 5);
    expect(r.gradB).toBeCloseTo(p - 1, 5);
  });

  it('fitting: training error falls with capacity; validation error is U-shaped', () => {
    const { rows, best, plotPath } = fitting(quiet);
    const byDegree = new Map(rows.map((r) => [r.degree, r]));
    const top = last(rows);
    expect(byDegree.get(1)!.train).toBeGreaterThan(byDegree.get(3)!.train);
    expect(top.train).toBeLessThan(byDegree.get(best)!.train);
    expect(best).not.toBe(1);
    expect(best).not.toBe(top.degree);
    expect(top.valid).toBeGreaterThan(2 * byDegree.get(best)!.valid);
    expect(byDegree.get(1)!.valid).toBeGreaterThan(2 * byDegree.get(best)!.valid);
    expect(isSvg(plotPath)).toBe(true);
  });

  it('initialization: He keeps the ReLU activation std near constant; N(0, 0.01) collapses it', () => {
    const { results } = initialization(quiet);
    const std = (act: string, scheme: string) => results[act]![scheme]!.map((s) => s.std);
    const he = std('relu', 'He normal');
    expect(last(he) / he[0]!).toBeGreaterThan(0.5);
    expect(last(he) / he[0]!).toBeLessThan(2);
    expect(last(std('relu', 'N(0, 0.01)'))).toBeLessThan(1e-8);
    expect(last(std('relu', 'N(0, 1)'))).toBeGreaterThan(1e6);
    const glorot = std('relu', 'Glorot uniform');
    expect(last(glorot)).toBeLessThan(glorot[0]! / 4); // halves per layer
    expect(last(std('tanh', 'N(0, 1)'))).toBeGreaterThan(0.9); // saturated at ±1
  });

  it('vanishingGradients: a deep sigmoid net’s first layer learns far slower; BN, He+ReLU, residuals fix it', () => {
    const { results } = vanishingGradients(quiet);
    const ratio = new Map(results.map((r) => [r.name, r.ratio]));
    const deep = ratio.get('sigmoid, 4 hidden')!;
    expect(deep).toBeLessThan(0.05);
    expect(deep).toBeLessThan(ratio.get('sigmoid, 3 hidden')!);
    expect(ratio.get('sigmoid, 3 hidden')!).toBeLessThan(ratio.get('sigmoid, 2 hidden')!);
    for (const fix of ['ReLU + He init', 'sigmoid + BatchNorm', 'sigmoid + residual']) {
      expect(ratio.get(fix)!).toBeGreaterThan(20 * deep);
    }
    // Clipping scales every layer by one factor: the ratio between layers stays.
    expect(ratio.get('sigmoid + clipGradNorm(0.5)')! / deep).toBeCloseTo(1, 0);
  });

  it('schedules: each lr curve has its closed form, and every run’s loss falls', () => {
    const { results, lrCurves, T } = schedules(quiet);
    const curve = new Map(lrCurves.map((c) => [c.name, c.y]));
    expect(new Set(curve.get('constant')).size).toBe(1);
    expect(last(curve.get('CosineAnnealingLR')!)).toBeLessThan(0.01 * 0.1);
    expect(Math.max(...curve.get('OneCycleLR')!)).toBeCloseTo(0.1, 2); // sampled at whole steps, near the peak
    expect(curve.get('StepLR')![T - 1]).toBeCloseTo(0.1 * 0.3 ** 2, 10);
    for (const r of results) expect(last(r.losses), r.name).toBeLessThan(r.losses[0]!);
  });

  it('optimizers: momentum and Nesterov get further down Rosenbrock than SGD; every digits loss falls', () => {
    const { rows, sweep } = optimizers(quiet);
    const f = new Map(rows.map((r) => [r.name, r.rosenbrock]));
    expect(f.get('momentum')!).toBeLessThan(f.get('SGD')! / 10);
    expect(f.get('Nesterov')!).toBeLessThan(f.get('SGD')! / 10);
    for (const r of rows) expect(r.digits, r.name).toBeLessThan(Math.log(10));
    expect(sweep.every((s) => s.y.length === 3)).toBe(true);
  });

  it('normalization: batch norm trains faster than no normalization, at both learning rates', () => {
    const { results } = normalization(quiet);
    for (const lr of [0.01, 1]) {
      const loss = (norm: string) => results.find((r) => r.lr === lr && r.norm === norm)!.trainLoss;
      expect(loss('batch')).toBeLessThan(loss('none'));
    }
  });

  // In quick mode (96 digits, 72 steps) only augmentation's effect stands clear of run-to-run
  // noise; the full run's table shows the others.
  it('regularization: the unregularized net overfits; augmentation narrows the gap', () => {
    const { rows } = regularization(quiet);
    const row = new Map(rows.map((r) => [r.name, r]));
    const none = row.get('none')!;
    expect(none.trainAccuracy).toBeGreaterThan(0.95);
    expect(none.gap).toBeGreaterThan(0.1);
    expect(row.get('augmentation')!.gap).toBeLessThan(none.gap);
    expect(rows).toHaveLength(11);
  });

  it('mnist --quick: learns, reports a consistent confusion matrix, and saves loadable weights', () => {
    const r = mnist(quiet);
    expect(r.history).toHaveLength(1);
    expect(r.testAccuracy).toBeGreaterThan(0.3);
    const total = r.confusion.flat().reduce((a, b) => a + b, 0);
    const diagonal = r.confusion.reduce((a, row, i) => a + row[i]!, 0);
    expect(diagonal / total).toBeCloseTo(r.testAccuracy, 10);
    const saved = loadSafetensorsFile(r.weightsPath);
    const [name, weight] = r.model.namedParameters()[0]!;
    expect(Array.from(saved.get(name)!.data)).toEqual(Array.from(weight.data));
  });
});
