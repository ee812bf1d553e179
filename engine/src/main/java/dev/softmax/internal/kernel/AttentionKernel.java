package dev.softmax.internal.kernel;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * The elementwise passes of an attention row over contiguous f32 rows, before the softmax kernels take over:
 * scale, soft-cap and bias in one pass, then the boolean masks. Offsets are in bytes; source and destination may
 * be the same memory (in-place) but must not otherwise overlap. Implementations are stateless and thread-safe.
 *
 * <p>Kept out of {@link KernelProvider} so that adding it touched no existing kernel file: {@link #of} hands out
 * the Vector API implementation (loaded by name, as {@link KernelProvider} loads its own) exactly when the
 * provider is the vector one, else the scalar one.
 */
public interface AttentionKernel {

    /**
     * {@code dst[i] = cap(scale * x[i]) + bias[i]} over {@code n} elements, where {@code cap(z)} is
     * {@code softcap * tanh(z / softcap)} for finite z when {@code softcap > 0} (infinite z unchanged) and z
     * otherwise; where {@code bias[i]} is -inf the result is -inf whatever x holds. {@code bias} null: no bias.
     */
    void prepare(
            MemorySegment src,
            long srcOffset,
            MemorySegment bias,
            long biasOffset,
            MemorySegment dst,
            long dstOffset,
            long n,
            float scale,
            float softcap);

    /** {@code dst[i] = -inf} where the byte {@code mask[i]} is 0, over {@code n} contiguous bytes. */
    void maskBytes(MemorySegment mask, long maskOffset, MemorySegment dst, long dstOffset, long n);

    /** {@code dst[i] = -inf} where bit {@code i % 8} of byte {@code i / 8} (from {@code maskOffset}) is clear. */
    void maskBits(MemorySegment mask, long maskOffset, MemorySegment dst, long dstOffset, long n);

    /** The implementation matching {@code provider}: the Vector API one for the vector provider, else scalar. */
    static AttentionKernel of(KernelProvider provider) {
        return provider.name().startsWith("vector") ? Holder.VECTOR : ScalarAttentionKernel.INSTANCE;
    }

    /** Loaded on first use only, so no Vector API class links unless the vector provider is in use. */
    final class Holder {
        static final AttentionKernel VECTOR = load();

        private Holder() {}

        private static AttentionKernel load() {
            String name = "dev.softmax.internal.vector.PanamaAttentionKernel";
            try {
                Class<?> type = Class.forName(name);
                var constructor = MethodHandles.lookup().findConstructor(type, MethodType.methodType(void.class));
                return (AttentionKernel) constructor.invoke();
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable e) {
                throw new IllegalStateException("cannot load " + name, e);
            }
        }
    }
}
