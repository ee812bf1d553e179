package dev.softmax.internal.dnnl;

import dev.softmax.TensorView;
import java.util.Arrays;

/**
 * What makes two oneDNN primitives interchangeable: the operation, each operand's type, shape and strides,
 * the axis, whether runtime scales are attached, and the OpenMP team size it was created for. Data pointers are not part of it: they are
 * rebound on every call.
 */
final class PrimitiveKey {

    private final long[] encoded;
    private final int hash;

    private PrimitiveKey(long[] encoded) {
        this.encoded = encoded;
        this.hash = Arrays.hashCode(encoded);
    }

    static PrimitiveKey of(int kind, int axis, boolean scaled, int threads, TensorView... operands) {
        int rank = operands[0].rank();
        long[] encoded = new long[5 + operands.length * (1 + 2 * rank)];
        int at = 0;
        encoded[at++] = kind;
        encoded[at++] = threads;
        encoded[at++] = axis;
        encoded[at++] = scaled ? 1 : 0;
        encoded[at++] = rank;
        for (TensorView operand : operands) {
            encoded[at++] = operand.dtype().ordinal();
            for (int d = 0; d < rank; d++) {
                encoded[at++] = operand.dim(d);
                encoded[at++] = operand.stride(d);
            }
        }
        return new PrimitiveKey(encoded);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PrimitiveKey key && key.hash == hash && Arrays.equals(key.encoded, encoded);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return "PrimitiveKey" + Arrays.toString(encoded);
    }
}
