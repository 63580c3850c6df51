/**
 * The autograd graph as Graphviz DOT text (to be written).
 */
export {};
