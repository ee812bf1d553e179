package dev.softmax.bindings;

import static dev.softmax.bindings.omp.omp_h.omp_get_max_threads;
import static dev.softmax.bindings.omp.omp_h.omp_get_num_procs;
import static dev.softmax.bindings.omp.omp_h.omp_set_num_threads;
import static org.assertj.core.api.Assertions.assertThat;

import dev.softmax.nativelib.DnnlLibrary;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Calls the three OpenMP runtime functions through the bindings, in the libgomp loaded beside oneDNN. */
class OmpBindingsSmokeTest {

    @BeforeAll
    static void loadOneDnnAndItsOpenMp() {
        DnnlLibrary.load();
    }

    @Test
    void threadCountCanBeReadAndSet() {
        assertThat(omp_get_num_procs()).isPositive();
        int before = omp_get_max_threads();
        assertThat(before).isPositive();
        try {
            omp_set_num_threads(1);
            assertThat(omp_get_max_threads()).isEqualTo(1);
        } finally {
            // The setting is process-wide; leave it as other tests found it.
            omp_set_num_threads(before);
        }
        assertThat(omp_get_max_threads()).isEqualTo(before);
    }
}
