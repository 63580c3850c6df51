/**
 * Function transforms: grad, valueAndGrad, vjp, jvp, hvp, jacobian, hessian (to be written).
 */
export {};
