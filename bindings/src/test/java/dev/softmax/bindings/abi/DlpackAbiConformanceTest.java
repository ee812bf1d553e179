package dev.softmax.bindings.abi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.softmax.bindings.dlpack.DLManagedTensor;
import dev.softmax.bindings.dlpack.DLManagedTensorVersioned;
import dev.softmax.bindings.dlpack.dlpack_h;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Guards the jextract-form DLPack bindings ({@code dev.softmax.bindings.dlpack}) against both DLPack ABIs, with
 * the same compiler probe as the oneDNN bindings:
 *
 * <ul>
 *   <li>the 1.x ABI: every symbol of {@code jextract-dlpack-symbols.txt} against the vendored DLPack 1.1 header
 *       ({@code bindings/third_party/dlpack-1.1}), and nothing bound that the list leaves out;
 *   <li>the 0.x ABI: the symbols of {@code jextract-dlpack-v0-symbols.txt} (DLManagedTensor and what it holds)
 *       against Debian's {@code libdlpack-dev} 0.6 header, {@code /usr/include/dlpack/dlpack.h} (or the folder in
 *       {@code $DLPACK_V0_INCLUDE}). This proves the 1.1 classes read a 0.x producer's struct correctly.
 * </ul>
 *
 * Both GCC and the 0.6 header are required: without them the test fails rather than skips ({@code ci/test.sh}
 * installs {@code libdlpack-dev} when it is missing).
 */
class DlpackAbiConformanceTest {

    static final String V1_ARGFILE = "jextract/jextract-dlpack-symbols.txt";
    static final String V0_ARGFILE = "jextract/jextract-dlpack-v0-symbols.txt";
    static final String V1_HEADER_RESOURCE = "dlpack-1.1/dlpack/dlpack.h";

    /**
     * The probe spells a struct as one word; {@code struct DLManagedTensorVersioned} has a tag and no typedef in
     * the 1.x header, so the probe header names it with a typedef of the same name (the name jextract gives its
     * class). A typedef changes nothing about the layout.
     */
    private static final String V1_PROBE_HEADER = """
            #include <dlpack/dlpack.h>
            typedef struct DLManagedTensorVersioned DLManagedTensorVersioned;
            """;

    private static final String V0_PROBE_HEADER = "#include <dlpack/dlpack.h>\n";

    @TempDir
    Path work;

    @Test
    void bindingsMatchTheVendoredDlpack11Header() throws IOException {
        Path include =
                Files.createDirectories(work.resolve("v1/include/dlpack")).getParent();
        copyResource(V1_HEADER_RESOURCE, include.resolve("dlpack/dlpack.h"));
        String header = Files.readString(include.resolve("dlpack/dlpack.h"));
        assertThat(header).contains("#define DLPACK_MAJOR_VERSION 1").contains("#define DLPACK_MINOR_VERSION 1");
        Files.writeString(include.resolve("dlpack_probe.h"), V1_PROBE_HEADER);

        BindingSymbols symbols = BindingSymbols.fromClasspath(V1_ARGFILE);
        CompilerProbe.Result c = probe(work.resolve("v1"), include, symbols);
        assertNoMismatches(AbiComparison.mismatches(new JavaBindings(dlpack_h.class), symbols, c), symbols);
        assertThat(c.structs().get("DLManagedTensorVersioned").size())
                .as("sizeof(struct DLManagedTensorVersioned)")
                .isEqualTo(DLManagedTensorVersioned.sizeof())
                .isEqualTo(80);
    }

    @Test
    void theZeroXSubsetMatchesDebiansLibdlpackDev06Header() throws IOException {
        Path installed = Path.of(
                        Optional.ofNullable(System.getenv("DLPACK_V0_INCLUDE")).orElse("/usr/include"))
                .resolve("dlpack/dlpack.h");
        if (!Files.isRegularFile(installed)) {
            fail(installed + " is missing: the DLPack 0.x ABI is checked against Debian's libdlpack-dev (0.6) "
                    + "header; install it with 'apt-get install libdlpack-dev' (ci/test.sh does) or point "
                    + "DLPACK_V0_INCLUDE at a folder holding dlpack/dlpack.h of DLPack 0.6");
        }
        String header = Files.readString(installed);
        Matcher version = Pattern.compile("#define DLPACK_VERSION (\\d+)").matcher(header);
        assertThat(version.find())
                .as("%s defines DLPACK_VERSION (a 0.x header; 1.x headers define DLPACK_MAJOR_VERSION)", installed)
                .isTrue();
        assertThat(Integer.parseInt(version.group(1)))
                .as("DLPACK_VERSION of %s", installed)
                .isBetween(60, 99);

        Path include =
                Files.createDirectories(work.resolve("v0/include/dlpack")).getParent();
        Files.copy(installed, include.resolve("dlpack/dlpack.h"));
        Files.writeString(include.resolve("dlpack_probe.h"), V0_PROBE_HEADER);

        BindingSymbols symbols = BindingSymbols.fromClasspath(V0_ARGFILE);
        CompilerProbe.Result c = probe(work.resolve("v0"), include, symbols);
        assertNoMismatches(
                AbiComparison.mismatchesOfListedSubset(new JavaBindings(dlpack_h.class), symbols, c), symbols);
        assertThat(c.structs().get("DLManagedTensor").size())
                .as("sizeof(DLManagedTensor) in 0.6")
                .isEqualTo(DLManagedTensor.sizeof())
                .isEqualTo(64);
    }

    @Test
    void theV0ListIsASubsetOfTheV1List() {
        BindingSymbols v1 = BindingSymbols.fromClasspath(V1_ARGFILE);
        BindingSymbols v0 = BindingSymbols.fromClasspath(V0_ARGFILE);
        assertThat(v1.constants()).containsAll(v0.constants());
        assertThat(v1.structs()).containsAll(v0.structs());
        assertThat(v1.typedefs()).containsAll(v0.typedefs());
        assertThat(v0.functions()).isEmpty();
    }

    private static CompilerProbe.Result probe(Path directory, Path include, BindingSymbols symbols) {
        JavaBindings bindings = new JavaBindings(dlpack_h.class);
        Map<String, List<CompilerProbe.StructMember>> structs = new LinkedHashMap<>();
        for (String name : union(symbols.structs(), symbols.typedefs())) {
            Optional<Class<?>> structClass = bindings.structClass(name);
            if (structClass.isEmpty()) {
                structs.put(name, List.of());
                continue;
            }
            try {
                structs.put(
                        name,
                        JavaBindings.structLayout(structClass.get())
                                .map(AbiComparison::members)
                                .orElse(List.of()));
            } catch (ReflectiveOperationException e) {
                structs.put(name, List.of()); // reported by the comparison
            }
        }
        return new CompilerProbe(directory)
                .run(new CompilerProbe.Request(
                        include,
                        List.of("dlpack_probe.h"),
                        symbols.functions(),
                        symbols.constants(),
                        structs,
                        symbols.typedefs()));
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        var all = new java.util.LinkedHashSet<String>(a);
        all.addAll(b);
        return all;
    }

    private static void copyResource(String resource, Path target) {
        try (InputStream in = DlpackAbiConformanceTest.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the test class path; the bindings pom copies "
                        + "it there from third_party/dlpack-1.1");
            }
            Files.write(target, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void assertNoMismatches(List<String> mismatches, BindingSymbols symbols) {
        if (!mismatches.isEmpty()) {
            fail(mismatches.size() + " ABI mismatch(es) between the bindings listed in " + symbols.source()
                    + " and the C header:\n  " + String.join("\n  ", mismatches));
        }
    }
}
