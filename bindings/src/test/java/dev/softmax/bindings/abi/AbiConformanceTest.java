package dev.softmax.bindings.abi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.softmax.bindings.dnnl.dnnl_h;
import dev.softmax.bindings.omp.omp_h;
import dev.softmax.nativelib.DnnlLibrary;
import dev.softmax.nativelib.LoadedDnnl;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Guards the hand-written jextract-form bindings against the real oneDNN and OpenMP ABI.
 *
 * <p>The symbol lists ({@code jextract-symbols.txt}, {@code jextract-omp-symbols.txt}) say what is bound. GCC,
 * compiling a probe against the headers shipped in the very jar whose {@code libdnnl.so.3} is loaded, says what
 * those symbols are (see {@link CompilerProbe}). The bindings are read by reflection. Any disagreement (a
 * constant value, a parameter count, a parameter or result size or kind, a struct size, alignment or field
 * offset, a missing or unlisted symbol) fails the test with the symbol's name; all of them are reported at once.
 * GCC is required: without it the test fails rather than skips, because a skipped guard guards nothing.
 */
class AbiConformanceTest {

    private static final List<String> HEADERS = List.of("oneapi/dnnl/dnnl.h", "oneapi/dnnl/dnnl_debug.h", "omp.h");

    @TempDir
    static Path work;

    private static LoadedDnnl library;
    private static BindingSymbols dnnlSymbols;
    private static BindingSymbols ompSymbols;
    private static CompilerProbe.Result compiler;

    @BeforeAll
    static void askTheCompiler() {
        // Loaded first: reading a jextract descriptor initialises its holder, which resolves the symbol.
        library = DnnlLibrary.load();
        dnnlSymbols = BindingSymbols.fromClasspath(BindingSymbols.DNNL_ARGFILE);
        ompSymbols = BindingSymbols.fromClasspath(BindingSymbols.OMP_ARGFILE);
        assertThat(dnnlSymbols.isEmpty()).as("dnnl symbol list is empty").isFalse();
        assertThat(ompSymbols.isEmpty()).as("omp symbol list is empty").isFalse();

        Path include = DnnlHeaders.copyTo(work.resolve("include"));
        Map<String, List<CompilerProbe.StructMember>> structs = new LinkedHashMap<>();
        structs.putAll(structMembers(dnnlSymbols, new JavaBindings(dnnl_h.class)));
        structs.putAll(structMembers(ompSymbols, new JavaBindings(omp_h.class)));
        compiler = new CompilerProbe(work)
                .run(new CompilerProbe.Request(
                        include,
                        HEADERS,
                        union(dnnlSymbols.functions(), ompSymbols.functions()),
                        union(dnnlSymbols.constants(), ompSymbols.constants()),
                        structs,
                        union(dnnlSymbols.typedefs(), ompSymbols.typedefs())));
    }

    /**
     * The structs to ask GCC about, with their fields as the Java layouts name them (GCC then confirms the
     * names, their number and their places). A struct may be listed by its own name or by the typedef that
     * names an anonymous struct.
     */
    private static Map<String, List<CompilerProbe.StructMember>> structMembers(
            BindingSymbols symbols, JavaBindings bindings) {
        Map<String, List<CompilerProbe.StructMember>> structs = new LinkedHashMap<>();
        for (String name : union(symbols.structs(), symbols.typedefs())) {
            Optional<Class<?>> structClass = bindings.structClass(name);
            if (structClass.isEmpty()) {
                if (symbols.structs().contains(name)) {
                    structs.put(name, List.of()); // unbound; the probe still answers sizeof and _Alignof
                }
                continue;
            }
            List<CompilerProbe.StructMember> members = List.of();
            try {
                members = JavaBindings.structLayout(structClass.get())
                        .map(AbiComparison::members)
                        .orElse(List.of());
            } catch (ReflectiveOperationException e) {
                // Reported by the comparison; the probe still answers sizeof and _Alignof.
            }
            structs.put(name, members);
        }
        return structs;
    }

    @Test
    void dnnlBindingsMatchTheOneDnnlHeaders() {
        List<String> mismatches =
                new ArrayList<>(AbiComparison.mismatches(new JavaBindings(dnnl_h.class), dnnlSymbols, compiler));
        // The engine builds dims and strides as DNNL_MAX_NDIMS x dnnl_dim_t; dnnl_dims_t itself has no
        // Java declaration (jextract emits none for array typedefs), so its shape is checked here.
        CompilerProbe.Typedef dims = compiler.typedefs().get("dnnl_dims_t");
        long javaDimsBytes = dnnl_h.DNNL_MAX_NDIMS() * dnnl_h.dnnl_dim_t.byteSize();
        if (dims == null
                || dims.type().kind() != AbiType.Kind.ARRAY
                || dims.type().size() != javaDimsBytes) {
            mismatches.add("dnnl_dims_t: C says " + (dims == null ? "nothing" : dims.type())
                    + " but DNNL_MAX_NDIMS() x dnnl_dim_t is an array of " + javaDimsBytes + " bytes");
        }
        assertNoMismatches(mismatches, dnnlSymbols);
    }

    @Test
    void ompBindingsMatchOmpH() {
        assertNoMismatches(AbiComparison.mismatches(new JavaBindings(omp_h.class), ompSymbols, compiler), ompSymbols);
    }

    @Test
    void everyDnnlFunctionResolvesInTheLoadedLibdnnl() {
        assertResolvedIn(library.dnnlLibrary(), new JavaBindings(dnnl_h.class), dnnlSymbols);
    }

    @Test
    void everyOmpFunctionResolvesInTheLoadedLibgomp() {
        if (library.gompLibrary() == null) {
            fail("DnnlLibrary loaded " + library.describe() + " without loading libgomp through the class "
                    + "loader, so omp_h cannot find its symbols");
        }
        assertResolvedIn(library.gompLibrary(), new JavaBindings(omp_h.class), ompSymbols);
    }

    /**
     * Each listed function must be exported by that very file, and the address the binding resolved through
     * the loader lookup must be the same one (not a same-named symbol from some other library).
     */
    private static void assertResolvedIn(Path file, JavaBindings bindings, BindingSymbols symbols) {
        List<String> problems = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            SymbolLookup fileLookup = SymbolLookup.libraryLookup(file, arena);
            for (String function : symbols.functions()) {
                Optional<MemorySegment> exported = fileLookup.find(function);
                if (exported.isEmpty()) {
                    problems.add(function + ": not exported by " + file);
                    continue;
                }
                try {
                    MemorySegment bound = bindings.address(function);
                    if (bound.address() != exported.get().address()) {
                        problems.add(function + ": the binding resolved 0x" + Long.toHexString(bound.address())
                                + " but " + file.getFileName() + " exports it at 0x"
                                + Long.toHexString(exported.get().address()));
                    }
                } catch (ReflectiveOperationException e) {
                    problems.add(function + ": " + e.getMessage());
                }
            }
        }
        assertThat(problems)
                .as("functions of %s that do not resolve in %s", symbols.source(), file)
                .isEmpty();
    }

    private static void assertNoMismatches(List<String> mismatches, BindingSymbols symbols) {
        if (!mismatches.isEmpty()) {
            fail(mismatches.size() + " ABI mismatch(es) between the bindings listed in " + symbols.source()
                    + " and the C headers:\n  " + String.join("\n  ", mismatches));
        }
    }

    @SafeVarargs
    private static Set<String> union(Set<String>... sets) {
        Set<String> all = new LinkedHashSet<>();
        for (Set<String> set : sets) {
            all.addAll(set);
        }
        return all;
    }
}
