package dev.softmax.onnxruntime;

import ai.onnxruntime.OnnxTensor;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.reflect.Method;

/**
 * Asks ONNX Runtime's C API where a tensor's data lives: {@code GetTensorMutableData} on the tensor's
 * {@code OrtValue}. This is ONNX Runtime's own answer, not the Java buffer the tensor was created from, so it proves
 * (or disproves) that no copy was made.
 *
 * <p>The C API is a table of function pointers returned by {@code OrtGetApiBase()->GetApi(version)}; the indices are
 * fixed forever for the functions of version 1 (ONNX Runtime asserts them in {@code onnxruntime_c_api.cc}):
 * {@code GetErrorMessage} 2, {@code GetTensorMutableData} 51, {@code ReleaseStatus} 93. {@code OrtGetApiBase} is found
 * in {@code libonnxruntime.so}, which ONNX Runtime for Java loads with {@code System.load} from this class loader. The
 * {@code OrtValue*} is the tensor's native handle, read through the package-private {@code getNativeHandle()} (the
 * ONNX Runtime jar is an automatic module, so its packages are open).
 */
final class OrtNativeData {

    /** GetApi(1) returns the table of the library's version, whose first entries are version 1's. */
    private static final int API_VERSION = 1;

    private static final int GET_ERROR_MESSAGE = 2;
    private static final int GET_TENSOR_MUTABLE_DATA = 51;
    private static final int RELEASE_STATUS = 93;

    private OrtNativeData() {}

    /** The data address of a live tensor; {@code out} is an 8-byte scratch segment for the out-parameter. */
    static long dataAddress(OnnxTensor tensor, MemorySegment out) {
        Api api = Api.INSTANCE;
        if (api.failure != null) {
            throw new UnsupportedOperationException(
                    "ONNX Runtime's C API cannot be reached in this process: " + api.failure, api.failure);
        }
        try {
            long handle = (long) api.nativeHandle.invoke(tensor);
            MemorySegment status =
                    (MemorySegment) api.getTensorMutableData.invokeExact(MemorySegment.ofAddress(handle), out);
            if (!status.equals(MemorySegment.NULL)) {
                MemorySegment message = (MemorySegment) api.getErrorMessage.invokeExact(status);
                String text = message.reinterpret(Long.MAX_VALUE).getString(0);
                api.releaseStatus.invokeExact(status);
                throw new IllegalStateException("ONNX Runtime GetTensorMutableData failed: " + text);
            }
            return out.get(ValueLayout.ADDRESS, 0).address();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /** The resolved functions, looked up once on first use (ONNX Runtime is loaded by then: a tensor exists). */
    private static final class Api {
        static final Api INSTANCE = new Api();

        Method nativeHandle;
        MethodHandle getTensorMutableData;
        MethodHandle getErrorMessage;
        MethodHandle releaseStatus;
        Throwable failure;

        private Api() {
            try {
                Class<?> tensorLike = Class.forName("ai.onnxruntime.OnnxTensorLike");
                nativeHandle = tensorLike.getDeclaredMethod("getNativeHandle");
                nativeHandle.setAccessible(true);
                Linker linker = Linker.nativeLinker();
                MemorySegment getApiBase = SymbolLookup.loaderLookup()
                        .find("OrtGetApiBase")
                        .orElseThrow(
                                () -> new IllegalStateException(
                                        "symbol OrtGetApiBase not found (libonnxruntime.so is not loaded by this class loader)"));
                MemorySegment base =
                        (MemorySegment) linker.downcallHandle(getApiBase, FunctionDescriptor.of(ValueLayout.ADDRESS))
                                .invokeExact();
                MemorySegment getApi =
                        base.reinterpret(2 * ValueLayout.ADDRESS.byteSize()).getAtIndex(ValueLayout.ADDRESS, 0);
                MemorySegment api = (MemorySegment)
                        linker.downcallHandle(getApi, FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT))
                                .invokeExact(API_VERSION);
                if (api.equals(MemorySegment.NULL)) {
                    throw new IllegalStateException("OrtGetApiBase()->GetApi(" + API_VERSION + ") returned NULL");
                }
                MemorySegment table = api.reinterpret((RELEASE_STATUS + 1) * ValueLayout.ADDRESS.byteSize());
                getTensorMutableData = linker.downcallHandle(
                        table.getAtIndex(ValueLayout.ADDRESS, GET_TENSOR_MUTABLE_DATA),
                        FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
                getErrorMessage = linker.downcallHandle(
                        table.getAtIndex(ValueLayout.ADDRESS, GET_ERROR_MESSAGE),
                        FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS));
                releaseStatus = linker.downcallHandle(
                        table.getAtIndex(ValueLayout.ADDRESS, RELEASE_STATUS),
                        FunctionDescriptor.ofVoid(ValueLayout.ADDRESS));
            } catch (Throwable e) {
                failure = e;
            }
        }
    }
}
