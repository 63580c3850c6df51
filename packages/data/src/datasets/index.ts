/** The `datasets` namespace: synthetic toy data, the IDX format, and MNIST helpers. */
export * from './idx.js';
export * from './mnist.js';
export * from './synthetic.js';
