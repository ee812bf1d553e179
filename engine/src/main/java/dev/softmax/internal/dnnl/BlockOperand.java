package dev.softmax.internal.dnnl;

import dev.softmax.TensorView;

/**
 * One operand of a oneDNN call, as its blocks are described to oneDNN: the caller's view, its row stride in
 * elements, and its oneDNN argument id. A block is {@code [rows, n]} rows of it at that stride.
 */
record BlockOperand(TensorView view, long rowStride, int argument) {}
