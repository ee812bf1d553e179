package dev.softmax.internal.backend;

import java.util.Set;

/**
 * What a backend with native state reports for {@link dev.softmax.EngineStatistics}: its primitive cache, its
 * live native handles and the implementations it chose. A backend without native state reports {@link #NONE}.
 */
public record BackendCounters(
        int cacheSize,
        long cacheHits,
        long cacheMisses,
        long cacheEvictions,
        long liveNativeHandles,
        Set<String> implementations) {

    public static final BackendCounters NONE = new BackendCounters(0, 0, 0, 0, 0, Set.of());
}
