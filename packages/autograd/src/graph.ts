/**
 * The autograd graph as Graphviz DOT text, for looking at what backward will walk.
 *
 *   const y = x.mul(w).sum();
 *   console.log(toDot(y, { names: new Map([[x, 'x'], [w, 'w']]) }));
 *   // paste into https://dreampuf.github.io/GraphvizOnline or run `dot -Tsvg graph.dot`
 *
 * Each op output is a box with the op's name and output shape; leaves are ellipses with their
 * shape (filled when they require grad: backward fills their `.grad`); constants (inputs that do
 * not require grad, such as a scalar operand) are dashed. Arrows point from input to output, in
 * the direction of the forward pass. Ids t0, t1, … follow a depth-first walk from the root
 * (inputs in order), so the same graph always prints the same text.
 */
import { formatShape } from './shape.js';
import type { Tensor } from './tensor.js';

export interface ToDotOptions {
  /** Labels to show for some tensors (e.g. 'x', 'fc1.weight'). */
  names?: ReadonlyMap<Tensor, string>;
  /** Draw inputs that do not require grad (default true). */
  showConstants?: boolean;
}

export function toDot(root: Tensor, options: ToDotOptions = {}): string {
  const { names = new Map<Tensor, string>(), showConstants = true } = options;
  const ids = new Map<Tensor, string>();
  const nodeLines: string[] = [];
  const edgeLines: string[] = [];
  const idOf = (t: Tensor): string => {
    let id = ids.get(t);
    if (id === undefined) {
      id = `t${ids.size}`;
      ids.set(t, id);
      nodeLines.push(`  ${id} [${attributes(t, names.get(t), t === root)}];`);
    }
    return id;
  };

  // Explicit stack instead of recursion: a 100,000-op chain must print too.
  idOf(root);
  const stack: Tensor[] = [root];
  while (stack.length > 0) {
    const t = stack.pop()!;
    const node = t.node;
    if (node === null) continue;
    const fresh: Tensor[] = [];
    for (const input of node.inputs) {
      if (!input.requiresGrad && !showConstants) continue;
      const known = ids.has(input);
      edgeLines.push(`  ${idOf(input)} -> ${ids.get(t)};`);
      if (!known) fresh.push(input);
    }
    // Reversed so that the first input is expanded first (ids follow the input order).
    for (let i = fresh.length - 1; i >= 0; i--) stack.push(fresh[i]!);
  }
  return ['digraph autograd {', '  node [fontname="monospace"];', ...nodeLines, ...edgeLines, '}', ''].join(
    '\n',
  );
}

function attributes(t: Tensor, name: string | undefined, isRoot: boolean): string {
  const shape = `${formatShape(t.shape)} ${t.dtype}`;
  const title = name === undefined ? '' : `${escapeDot(name)}\\n`;
  let label: string;
  let style: string;
  if (t.node !== null) {
    label = `${title}${escapeDot(t.node.op)}\\n${shape}`;
    style = isRoot ? 'shape=box, style="bold,filled", fillcolor="lightyellow"' : 'shape=box';
  } else if (t.requiresGrad) {
    label = `${title}leaf ${shape}\\nrequiresGrad`;
    style = 'shape=ellipse, style=filled, fillcolor="lightblue"';
  } else {
    label = `${title}constant ${shape}`;
    style = 'shape=ellipse, style=dashed';
  }
  return `label="${label}", ${style}`;
}

/** Quotes and backslashes in user-chosen op names must not end the DOT string. */
function escapeDot(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}
