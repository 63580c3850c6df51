/**
 * User-defined ops with their own forward and backward (to be written).
 */
export {};
