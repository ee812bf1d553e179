package dev.softmax.internal.reduce;

import dev.softmax.EdgePolicy;
import dev.softmax.TensorView;
import dev.softmax.internal.call.JavaOnlyCall;
import dev.softmax.internal.rows.RowLayout;

/**
 * A validated per-row reduction: {@code dst[r]} is the reduction of row r of {@code src} along {@code axis}, with
 * dst in row-major order of src's other dimensions.
 *
 * @param rows the rows of src (its only operand)
 */
public record ReductionCall(
        RowReductions.Kind kind, TensorView src, TensorView dst, int axis, EdgePolicy policy, RowLayout rows)
        implements JavaOnlyCall {

    @Override
    public TensorView input() {
        return src;
    }

    @Override
    public String inputName() {
        return "src";
    }

    @Override
    public int inputOperand() {
        return 0;
    }
}
