package dev.softmax.internal.dnnl;

import java.util.Arrays;

/**
 * What makes two oneDNN primitives interchangeable: the operation, each operand's type, shape and strides,
 * the axis, whether runtime scales are attached, and the OpenMP team size it was created for. Data pointers are
 * not part of it: they are rebound on every call.
 */
final class PrimitiveKey {

    private final long[] encoded;
    private final int hash;

    private PrimitiveKey(long[] encoded) {
        this.encoded = encoded;
        this.hash = Arrays.hashCode(encoded);
    }

    /**
     * The key of a block primitive: each operand a 2-D {@code [rows, n]} tensor at its row stride and unit column
     * stride, softmax along axis 1, one OpenMP thread (blocks run single-threaded). Built from scalars so that a
     * lookup that hits allocates only the key.
     */
    static PrimitiveKey ofBlocks(
            DnnlSoftmaxBackend.PrimitiveKind kind, boolean scaled, long rows, long n, BlockOperand... operands) {
        long[] encoded = new long[5 + operands.length * 5];
        int at = 0;
        encoded[at++] = kind.ordinal();
        encoded[at++] = 1; // threads
        encoded[at++] = 1; // axis
        encoded[at++] = scaled ? 1 : 0;
        encoded[at++] = 2; // rank
        for (BlockOperand operand : operands) {
            encoded[at++] = operand.view().dtype().ordinal();
            encoded[at++] = rows;
            encoded[at++] = operand.rowStride();
            encoded[at++] = n;
            encoded[at++] = 1;
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
