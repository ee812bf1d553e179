package dev.softmax;

import static org.assertj.core.api.Assertions.assertThat;

import dev.softmax.bindings.dnnl.dnnl_h;
import dev.softmax.testing.OnednnFaultMain;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * oneDNN returning an error status (RELIABILITY.md, "Injected faults"): each oneDNN function the engine calls to build
 * a primitive is made to fail ({@code -Dsoftmax.test.dnnlFault}, see {@code DnnlStatus}) in a fresh JVM, and the
 * call must throw {@link SoftmaxNativeException} carrying the function and the status name, write nothing, and leave
 * no native handle after close. A failing engine creation fails {@code create} under ONEDNN and falls back to Java
 * under AUTO.
 */
class OnednnFaultTest {

    static String run(String fault, Backend backend) throws Exception {
        List<String> command = ChildJvm.command(
                true, List.of("-Dsoftmax.test.dnnlFault=" + fault), OnednnFaultMain.class, backend.name());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("child output:%n%s", output).isZero();
        return output;
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "dnnl_softmax_primitive_desc_create, dnnl_out_of_memory",
        "dnnl_primitive_create, dnnl_out_of_memory",
        "dnnl_memory_create, dnnl_runtime_error",
        "dnnl_softmax_primitive_desc_create, dnnl_runtime_error",
    })
    void aFailingPrimitiveBuildThrowsTheStatusNameAndWritesNothing(String function, String status) throws Exception {
        String output = run(function + "=" + code(status), Backend.ONEDNN);

        assertThat(output).contains("CREATE ok");
        assertThat(output)
                .contains("CALL SoftmaxNativeException " + status + " " + function + ": " + function + " failed with "
                        + status + " (" + code(status) + ")");
        assertThat(output).contains("DST unchanged", "CLOSE ok", "HANDLES 0");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"dnnl_primitive_execute", "dnnl_stream_wait"})
    void aFailingExecutionThrowsTheStatusName(String function) throws Exception {
        // The injected failure is reported after oneDNN really ran (see DnnlStatus), so whether dst was written says
        // nothing here; the exception and the handles do.
        String output = run(function + "=" + code("dnnl_runtime_error"), Backend.ONEDNN);

        assertThat(output).contains("CALL SoftmaxNativeException dnnl_runtime_error " + function);
        assertThat(output).contains("HANDLES 0");
    }

    /**
     * A destroy call failing during {@code close()}: close reports it (function and status), and every other handle is
     * still released, so only the handles of the failing kind stay counted. The call made (one bf16 64x128 softmax)
     * holds one primitive descriptor, one primitive, three memory objects (src, dst, scratchpad), two memory
     * descriptors, one stream and the engine. Before, close() stopped at the first failure and left 4 to 9 handles.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "dnnl_primitive_desc_destroy, 1",
        "dnnl_primitive_destroy, 1",
        "dnnl_memory_destroy, 3",
        "dnnl_memory_desc_destroy, 2",
        "dnnl_stream_destroy, 1",
        "dnnl_engine_destroy, 1"
    })
    void aFailingDestroyInCloseIsReportedAndEverythingElseIsReleased(String function, int stillCounted)
            throws Exception {
        String output = run(function + "=" + code("dnnl_runtime_error"), Backend.ONEDNN);

        assertThat(output).contains("CALL ok");
        assertThat(output).contains("CLOSE SoftmaxNativeException dnnl_runtime_error " + function);
        assertThat(output).contains("HANDLES " + stillCounted + "\n");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"ONEDNN, false", "AUTO, true"})
    void aFailingEngineCreation(Backend backend, boolean fallsBackToJava) throws Exception {
        String output = run("dnnl_engine_create=" + code("dnnl_out_of_memory"), backend);

        if (fallsBackToJava) {
            // AUTO opens oneDNN on the first call that prefers it (this bf16 call): the failure is kept as the
            // reason oneDNN is not in use, and the call runs on Java.
            assertThat(output)
                    .contains("CREATE ok", "CALL ok onednnCalls=0", "HANDLES 0")
                    .contains("NOT IN USE dnnl_engine_create failed with dnnl_out_of_memory");
        } else {
            assertThat(output)
                    .contains("CREATE SoftmaxNativeException dnnl_out_of_memory dnnl_engine_create")
                    .doesNotContain("CALL");
        }
    }

    static int code(String status) {
        return switch (status) {
            case "dnnl_out_of_memory" -> dnnl_h.dnnl_out_of_memory();
            case "dnnl_runtime_error" -> dnnl_h.dnnl_runtime_error();
            default -> throw new IllegalArgumentException(status);
        };
    }
}
