/**
 * Error classes. Every message reads `<op>: <what is wrong>: <the values>`, e.g.
 * `matmul: inner dimensions differ: [32, 784] @ [100, 10]`, and tells the fix when there is one.
 * Bad hyperparameters throw the built-in `RangeError` instead.
 */

/** Shapes that do not fit the op. Carries the op name and the shapes involved. */
export class ShapeError extends Error {
  override name = 'ShapeError';
  readonly op: string;
  readonly shapes: ReadonlyArray<readonly number[]>;

  constructor(op: string, message: string, shapes: ReadonlyArray<readonly number[]> = []) {
    super(`${op}: ${message}`);
    this.op = op;
    this.shapes = shapes;
  }
}

/** A dtype the op cannot take (or two operands whose dtypes cannot be combined). */
export class DTypeError extends Error {
  override name = 'DTypeError';
  readonly op: string;

  constructor(op: string, message: string) {
    super(`${op}: ${message}`);
    this.op = op;
  }
}

/** Anything else wrong with an argument (a value, an index, a graph already freed). */
export class ArgumentError extends Error {
  override name = 'ArgumentError';
  readonly op: string;

  constructor(op: string, message: string) {
    super(`${op}: ${message}`);
    this.op = op;
  }
}

/**
 * A value as an error message shows it: `String(value)`, which never throws for what a caller
 * passes by hand, but does for an object whose `toString` is not a function, e.g. `{"toString": ""}`
 * from a hostile JSON file or state dict; such objects show as `[object]`. Never throws, so a
 * loader's error path cannot turn into an unrelated TypeError.
 */
export function describeValue(value: unknown): string {
  try {
    return String(value);
  } catch {
    return '[object]';
  }
}
