package dev.softmax.internal.call;

import dev.softmax.EdgePolicy;
import dev.softmax.TensorView;
import dev.softmax.internal.rows.RowLayout;

/**
 * A validated call of an operation that only the Java kernels compute (oneDNN has no primitive for it): what the
 * dispatcher needs to apply the edge policy before the computation runs.
 */
public interface JavaOnlyCall {

    /** The input whose rows the REJECT policy scans. */
    TensorView input();

    /** The input's argument name, for messages. */
    String inputName();

    /** The rows, with the input as operand {@link #inputOperand()}. */
    RowLayout rows();

    int inputOperand();

    /** The axis the rows run along in the input. */
    int axis();

    EdgePolicy policy();
}
