/**
 * Embedding: a lookup table of vectors, one row per token id.
 *   forward:  y[…, :] = W[index[…], :]          index [*] → output [*, embeddingDim]
 *   backward: ∂L/∂W[r, :] = Σ_{positions with index r} ∂L/∂y[…, :]   (a scatter-add; rows that
 *             were not looked up get 0, and the paddingIdx row always gets 0)
 * The backward is itself an op whose backward is the lookup again (scatter-add and gather are
 * adjoint), so gradients of gradients work. Default init, as PyTorch: W ~ N(0, 1), padding row 0.
 */
import { ArgumentError, formatShape, type IndexLike, record, ShapeError, Tensor } from '@tsgrad/autograd';
import * as init from './init.js';
import { gatherRows, scatterAddRows } from './kernels.js';
import { Module, parameter } from './module.js';

export interface EmbeddingOptions {
  /** This row receives no gradient (and is initialized to zeros); negative counts from the end. */
  paddingIdx?: number | null;
}

/** Indices as Int32Array with their shape, checked: whole numbers in [0, rows). */
function readIndices(index: IndexLike, rows: number): { ids: Int32Array; shape: readonly number[] } {
  const shape = index instanceof Tensor ? index.shape : [index.length];
  const values = index instanceof Tensor ? index.data : index;
  const ids = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isInteger(v) || v < 0 || v >= rows)
      throw new ArgumentError(
        'embedding',
        `index ${v} at position ${i} is out of range for ${rows} embeddings`,
      );
    ids[i] = v;
  }
  return { ids, shape };
}

/**
 * Gathers rows (positions whose id is `gatherSkip` get 0); the backward scatter-adds, skipping
 * `backSkip`. With gatherSkip = backSkip these are exact adjoints (used for double backward);
 * the embedding itself gathers everything (−1) and skips paddingIdx in the backward only.
 */
function lookup(
  weight: Tensor,
  ids: Int32Array,
  shape: readonly number[],
  gatherSkip: number,
  backSkip: number,
): Tensor {
  const d = weight.shape[1]!;
  const out = Tensor.empty([...shape, d], weight.dtype);
  gatherRows(weight.data, d, ids, gatherSkip, out.data);
  return record('embedding', [weight], out, (gradOut) => [scatterRows(gradOut, ids, weight.shape, backSkip)]);
}

function scatterRows(rows: Tensor, ids: Int32Array, tableShape: readonly number[], skip: number): Tensor {
  const table = Tensor.empty(tableShape, rows.dtype);
  scatterAddRows(rows.data, tableShape[1]!, ids, skip, table.data);
  const shape = rows.shape.slice(0, -1);
  return record('embeddingBackward', [rows], table, (gradTable) => [
    lookup(gradTable, ids, shape, skip, skip),
  ]);
}

/** Looks up rows of `weight` [numEmbeddings, embeddingDim] at `index` (any shape). */
export function embedding(index: IndexLike, weight: Tensor, options: EmbeddingOptions = {}): Tensor {
  if (weight.ndim !== 2)
    throw new ShapeError(
      'embedding',
      `weight must be [numEmbeddings, embeddingDim], got ${formatShape(weight.shape)}`,
      [weight.shape],
    );
  const rows = weight.shape[0]!;
  const { ids, shape } = readIndices(index, rows);
  const p = options.paddingIdx ?? null;
  return lookup(weight, ids, shape, -1, p === null ? -1 : p < 0 ? p + rows : p);
}

export class Embedding extends Module {
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  /** Normalized to [0, numEmbeddings), or null. */
  readonly paddingIdx: number | null;
  weight: Tensor;

  constructor(
    numEmbeddings: number,
    embeddingDim: number,
    options: EmbeddingOptions & { dtype?: 'float32' | 'float64' } = {},
  ) {
    super();
    if (!Number.isInteger(numEmbeddings) || numEmbeddings <= 0)
      throw new RangeError(`Embedding: numEmbeddings must be a positive integer, got ${numEmbeddings}`);
    if (!Number.isInteger(embeddingDim) || embeddingDim <= 0)
      throw new RangeError(`Embedding: embeddingDim must be a positive integer, got ${embeddingDim}`);
    const p = options.paddingIdx ?? null;
    if (p !== null && (!Number.isInteger(p) || p < -numEmbeddings || p >= numEmbeddings))
      throw new RangeError(
        `Embedding: paddingIdx must be an integer in [${-numEmbeddings}, ${numEmbeddings}), got ${p}`,
      );
    this.numEmbeddings = numEmbeddings;
    this.embeddingDim = embeddingDim;
    this.paddingIdx = p === null ? null : p < 0 ? p + numEmbeddings : p;
    this.weight = parameter(
      init.normal(Tensor.empty([numEmbeddings, embeddingDim], options.dtype ?? 'float32')),
    );
    if (this.paddingIdx !== null)
      this.weight.data.fill(0, this.paddingIdx * embeddingDim, (this.paddingIdx + 1) * embeddingDim);
  }

  forward(index: IndexLike): Tensor {
    return embedding(index, this.weight, { paddingIdx: this.paddingIdx });
  }

  protected override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}${this.paddingIdx === null ? '' : `, paddingIdx=${this.paddingIdx}`}`;
  }
}
