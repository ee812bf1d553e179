package dev.softmax;

import java.util.Map;
import java.util.Set;

/**
 * Counters of one engine since it was created.
 *
 * @param javaCalls            calls computed by the Java backend (including those oneDNN declined)
 * @param onednnCalls          calls computed by oneDNN
 * @param onednnDeclined       calls oneDNN was asked for but declined, then computed by Java
 * @param declinedByReason     the same, by reason
 * @param primitiveCacheSize   oneDNN primitives (and remembered refusals) cached now
 * @param primitiveCacheHits   lookups that found a cached primitive or refusal
 * @param primitiveCacheMisses lookups that had to create one
 * @param primitiveEvictions   entries dropped because the cache was full
 * @param liveNativeHandles    oneDNN handles (engine, streams, descriptors, memories, primitives) alive now;
 *                             0 after {@link SoftmaxEngine#close()}
 * @param onednnImplementations oneDNN's names for the kernels it chose so far (e.g. "jit:avx512_core"): the
 *                             instruction set it actually dispatched to
 */
public record EngineStatistics(
        long javaCalls,
        long onednnCalls,
        long onednnDeclined,
        Map<String, Long> declinedByReason,
        int primitiveCacheSize,
        long primitiveCacheHits,
        long primitiveCacheMisses,
        long primitiveEvictions,
        long liveNativeHandles,
        Set<String> onednnImplementations) {

    public EngineStatistics {
        declinedByReason = Map.copyOf(declinedByReason);
        onednnImplementations = Set.copyOf(onednnImplementations);
    }
}
