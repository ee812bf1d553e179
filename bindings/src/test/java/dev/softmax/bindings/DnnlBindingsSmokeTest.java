package dev.softmax.bindings;

import static dev.softmax.bindings.dnnl.dnnl_h.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.softmax.bindings.dnnl.dnnl_exec_arg_t;
import dev.softmax.bindings.dnnl.dnnl_version_t;
import dev.softmax.nativelib.DnnlLibrary;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Drives oneDNN end to end through the bindings alone: version, engine, stream, a strided memory descriptor,
 * a softmax forward primitive, execution on Arena memory, and teardown, checking every status.
 */
class DnnlBindingsSmokeTest {

    private static final int ROWS = 2;
    private static final int COLUMNS = 3;
    /** Rows are 4 floats apart, so the last float of each row is padding oneDNN must neither read nor write. */
    private static final int ROW_STRIDE = 4;

    private static final float PADDING_SENTINEL = -12345.5f;

    @BeforeAll
    static void loadOneDnn() {
        DnnlLibrary.load();
    }

    @Test
    void versionIsTheOneTheHeadersDescribe() {
        MemorySegment version = dnnl_version_t.reinterpret(dnnl_version(), Arena.global(), null);

        assertThat(dnnl_version_t.major(version)).isEqualTo(3).isEqualTo(DNNL_VERSION_MAJOR());
        assertThat(dnnl_version_t.minor(version)).isEqualTo(13).isEqualTo(DNNL_VERSION_MINOR());
        assertThat(dnnl_version_t.patch(version)).isEqualTo(DNNL_VERSION_PATCH());
        assertThat(dnnl_version_t.cpu_runtime(version))
                .isEqualTo(DNNL_CPU_RUNTIME())
                .isEqualTo(DNNL_RUNTIME_OMP());
        assertThat(dnnl_version_t.hash(version).address()).isNotZero();
    }

    @Test
    void debugAndServiceCallsAnswer() {
        assertThat(dnnl_status2str(dnnl_success()).getString(0)).isEqualTo("success");
        assertThat(dnnl_status2str(dnnl_invalid_arguments()).getString(0)).isEqualTo("invalid_arguments");
        assertThat(dnnl_dt2str(dnnl_f32()).getString(0)).isEqualTo("f32");
        assertThat(dnnl_cpu_isa2str(dnnl_get_effective_cpu_isa()).getString(0)).isNotBlank();
        assertThat(dnnl_engine_get_count(dnnl_cpu())).isEqualTo(1L);
        check(dnnl_set_verbose(0), "dnnl_set_verbose");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment capacity = arena.allocate(C_INT);
            check(dnnl_get_primitive_cache_capacity(capacity), "dnnl_get_primitive_cache_capacity");
            check(dnnl_set_primitive_cache_capacity(capacity.get(C_INT, 0)), "dnnl_set_primitive_cache_capacity");
        }
    }

    @Test
    void softmaxForwardOverAStridedMemoryDescriptorMatchesADoubleReference() {
        float[][] input = {{1.0f, 2.0f, 3.0f}, {-4.0f, 0.5f, 9.25f}};
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment engine = create(arena, "dnnl_engine_create", out -> dnnl_engine_create(out, dnnl_cpu(), 0));
            MemorySegment stream = create(
                    arena, "dnnl_stream_create", out -> dnnl_stream_create(out, engine, dnnl_stream_default_flags()));

            MemorySegment dims = arena.allocate(C_LONG, DNNL_MAX_NDIMS());
            MemorySegment strides = arena.allocate(C_LONG, DNNL_MAX_NDIMS());
            dims.setAtIndex(C_LONG, 0, ROWS);
            dims.setAtIndex(C_LONG, 1, COLUMNS);
            strides.setAtIndex(C_LONG, 0, ROW_STRIDE);
            strides.setAtIndex(C_LONG, 1, 1);
            MemorySegment memoryDesc = create(
                    arena,
                    "dnnl_memory_desc_create_with_strides",
                    out -> dnnl_memory_desc_create_with_strides(out, 2, dims, dnnl_f32(), strides));
            assertDescribes(arena, memoryDesc);
            // oneDNN sizes a plain strided layout as dims[0] x strides[0], padding of the last row included.
            long bytes = dnnl_memory_desc_get_size(memoryDesc);
            assertThat(bytes).isEqualTo((long) ROWS * ROW_STRIDE * Float.BYTES);

            MemorySegment attr = create(arena, "dnnl_primitive_attr_create", out -> dnnl_primitive_attr_create(out));
            check(
                    dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_library()),
                    "dnnl_primitive_attr_set_scratchpad_mode");
            MemorySegment mode = arena.allocate(C_INT);
            check(dnnl_primitive_attr_get_scratchpad_mode(attr, mode), "dnnl_primitive_attr_get_scratchpad_mode");
            assertThat(mode.get(C_INT, 0)).isEqualTo(dnnl_scratchpad_mode_library());

            MemorySegment forwardDesc = create(
                    arena,
                    "dnnl_softmax_forward_primitive_desc_create",
                    out -> dnnl_softmax_forward_primitive_desc_create(
                            out,
                            engine,
                            dnnl_forward_inference(),
                            dnnl_softmax_accurate(),
                            memoryDesc,
                            memoryDesc,
                            1,
                            attr));
            assertThat(dnnl_memory_desc_equal(
                            dnnl_primitive_desc_query_md(forwardDesc, dnnl_query_src_md(), 0), memoryDesc))
                    .isEqualTo(1);
            assertThat(dnnl_memory_desc_equal(
                            dnnl_primitive_desc_query_md(forwardDesc, dnnl_query_dst_md(), 0), memoryDesc))
                    .isEqualTo(1);
            MemorySegment implementation = arena.allocate(C_POINTER);
            check(
                    dnnl_primitive_desc_query(forwardDesc, dnnl_query_impl_info_str(), 0, implementation),
                    "dnnl_primitive_desc_query(impl_info_str)");
            assertThat(implementation.get(C_POINTER, 0).getString(0)).isNotBlank();

            MemorySegment source = arena.allocate(bytes, Float.BYTES);
            MemorySegment destination = arena.allocate(bytes, Float.BYTES);
            fill(source, PADDING_SENTINEL);
            fill(destination, PADDING_SENTINEL);
            for (int row = 0; row < ROWS; row++) {
                for (int column = 0; column < COLUMNS; column++) {
                    source.setAtIndex(C_FLOAT, (long) row * ROW_STRIDE + column, input[row][column]);
                }
            }
            MemorySegment sourceMemory = create(
                    arena, "dnnl_memory_create(src)", out -> dnnl_memory_create(out, memoryDesc, engine, source));
            MemorySegment destinationMemory = create(
                    arena, "dnnl_memory_create(dst)", out -> dnnl_memory_create(out, memoryDesc, engine, destination));
            MemorySegment handle = arena.allocate(C_POINTER);
            check(dnnl_memory_get_data_handle(sourceMemory, handle), "dnnl_memory_get_data_handle");
            assertThat(handle.get(C_POINTER, 0).address()).isEqualTo(source.address());
            check(dnnl_memory_set_data_handle(sourceMemory, source), "dnnl_memory_set_data_handle");

            MemorySegment primitive =
                    create(arena, "dnnl_primitive_create", out -> dnnl_primitive_create(out, forwardDesc));
            MemorySegment args = dnnl_exec_arg_t.allocateArray(2, arena);
            dnnl_exec_arg_t.arg(dnnl_exec_arg_t.asSlice(args, 0), DNNL_ARG_SRC());
            dnnl_exec_arg_t.memory(dnnl_exec_arg_t.asSlice(args, 0), sourceMemory);
            dnnl_exec_arg_t.arg(dnnl_exec_arg_t.asSlice(args, 1), DNNL_ARG_DST());
            dnnl_exec_arg_t.memory(dnnl_exec_arg_t.asSlice(args, 1), destinationMemory);
            check(dnnl_primitive_execute(primitive, stream, 2, args), "dnnl_primitive_execute");
            check(dnnl_stream_wait(stream), "dnnl_stream_wait");

            for (int row = 0; row < ROWS; row++) {
                double[] expected = softmax(input[row]);
                for (int column = 0; column < COLUMNS; column++) {
                    long index = (long) row * ROW_STRIDE + column;
                    assertThat((double) destination.getAtIndex(C_FLOAT, index))
                            .as("dst[%d][%d]", row, column)
                            .isCloseTo(expected[column], within(1e-6));
                    assertThat(source.getAtIndex(C_FLOAT, index)).isEqualTo(input[row][column]);
                }
                assertThat(destination.getAtIndex(C_FLOAT, (long) row * ROW_STRIDE + COLUMNS))
                        .as("row %d padding", row)
                        .isEqualTo(PADDING_SENTINEL);
            }

            MemorySegment backwardDesc = create(
                    arena,
                    "dnnl_softmax_backward_primitive_desc_create",
                    out -> dnnl_softmax_backward_primitive_desc_create(
                            out,
                            engine,
                            dnnl_softmax_accurate(),
                            memoryDesc,
                            memoryDesc,
                            memoryDesc,
                            1,
                            forwardDesc,
                            attr));

            check(dnnl_primitive_desc_destroy(backwardDesc), "dnnl_primitive_desc_destroy(backward)");
            check(dnnl_primitive_destroy(primitive), "dnnl_primitive_destroy");
            check(dnnl_memory_destroy(destinationMemory), "dnnl_memory_destroy(dst)");
            check(dnnl_memory_destroy(sourceMemory), "dnnl_memory_destroy(src)");
            check(dnnl_primitive_desc_destroy(forwardDesc), "dnnl_primitive_desc_destroy(forward)");
            check(dnnl_primitive_attr_destroy(attr), "dnnl_primitive_attr_destroy");
            check(dnnl_memory_desc_destroy(memoryDesc), "dnnl_memory_desc_destroy");
            check(dnnl_stream_destroy(stream), "dnnl_stream_destroy");
            check(dnnl_engine_destroy(engine), "dnnl_engine_destroy");
        }
    }

    /** The memory descriptor reports back, through dnnl_memory_desc_query, what it was created from. */
    private static void assertDescribes(Arena arena, MemorySegment memoryDesc) {
        MemorySegment number = arena.allocate(C_INT);
        check(dnnl_memory_desc_query(memoryDesc, dnnl_query_ndims_s32(), number), "query ndims");
        assertThat(number.get(C_INT, 0)).isEqualTo(2);
        check(dnnl_memory_desc_query(memoryDesc, dnnl_query_data_type(), number), "query data_type");
        assertThat(number.get(C_INT, 0)).isEqualTo(dnnl_f32());
        check(dnnl_memory_desc_query(memoryDesc, dnnl_query_format_kind(), number), "query format_kind");
        assertThat(number.get(C_INT, 0)).isEqualTo(dnnl_blocked());
        MemorySegment array = arena.allocate(C_POINTER);
        check(dnnl_memory_desc_query(memoryDesc, dnnl_query_dims(), array), "query dims");
        MemorySegment dims = array.get(C_POINTER, 0);
        assertThat(new long[] {dims.getAtIndex(C_LONG, 0), dims.getAtIndex(C_LONG, 1)})
                .containsExactly(ROWS, COLUMNS);
        check(dnnl_memory_desc_query(memoryDesc, dnnl_query_strides(), array), "query strides");
        MemorySegment strides = array.get(C_POINTER, 0);
        assertThat(new long[] {strides.getAtIndex(C_LONG, 0), strides.getAtIndex(C_LONG, 1)})
                .containsExactly(ROW_STRIDE, 1L);
    }

    private static double[] softmax(float[] row) {
        double max = Double.NEGATIVE_INFINITY;
        for (float value : row) {
            max = Math.max(max, value);
        }
        double sum = 0;
        double[] result = new double[row.length];
        for (int i = 0; i < row.length; i++) {
            result[i] = Math.exp(row[i] - max);
            sum += result[i];
        }
        for (int i = 0; i < row.length; i++) {
            result[i] /= sum;
        }
        return result;
    }

    private static void fill(MemorySegment floats, float value) {
        for (long i = 0; i < floats.byteSize() / Float.BYTES; i++) {
            floats.setAtIndex(C_FLOAT, i, value);
        }
    }

    /** A oneDNN call that writes a new handle through its first argument. */
    private interface Creator {
        int create(MemorySegment out);
    }

    private static MemorySegment create(Arena arena, String call, Creator creator) {
        MemorySegment out = arena.allocate(C_POINTER);
        check(creator.create(out), call);
        MemorySegment handle = out.get(C_POINTER, 0);
        assertThat(handle.address()).as("%s returned a null handle", call).isNotZero();
        return handle;
    }

    private static void check(int status, String call) {
        assertThat(status)
                .as("%s returned %s", call, dnnl_status2str(status).getString(0))
                .isEqualTo(dnnl_success());
    }
}
