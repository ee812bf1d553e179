package dev.softmax.bindings.abi;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.SequencedSet;

/**
 * The symbols one jextract @argfile says are bound, read the way jextract reads it: whitespace-separated
 * tokens, {@code #} starts a comment that runs to the end of the line.
 *
 * <p>The argfiles ({@code bindings/jextract-symbols.txt} and {@code jextract-omp-symbols.txt}) are the single
 * list of what is bound; the build copies them onto the test class path so that this test and
 * {@code regenerate.sh} read the same file.
 */
record BindingSymbols(
        String source,
        SequencedSet<String> functions,
        SequencedSet<String> constants,
        SequencedSet<String> structs,
        SequencedSet<String> typedefs) {

    static final String DNNL_ARGFILE = "jextract/jextract-symbols.txt";
    static final String OMP_ARGFILE = "jextract/jextract-omp-symbols.txt";

    static BindingSymbols fromClasspath(String resource) {
        try (InputStream in = BindingSymbols.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the test class path; the bindings pom copies "
                        + "it there from the module folder");
            }
            return parse(resource, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static BindingSymbols parse(String source, String argfile) {
        List<String> tokens = new ArrayList<>();
        for (String line : argfile.split("\\R")) {
            int comment = line.indexOf('#');
            String code = comment < 0 ? line : line.substring(0, comment);
            for (String token : code.trim().split("\\s+")) {
                if (!token.isEmpty()) {
                    tokens.add(token);
                }
            }
        }
        var functions = new LinkedHashSet<String>();
        var constants = new LinkedHashSet<String>();
        var structs = new LinkedHashSet<String>();
        var typedefs = new LinkedHashSet<String>();
        for (int i = 0; i < tokens.size(); i += 2) {
            String option = tokens.get(i);
            if (i + 1 >= tokens.size()) {
                throw new IllegalArgumentException(source + ": " + option + " has no symbol name");
            }
            String name = tokens.get(i + 1);
            var target = switch (option) {
                case "--include-function" -> functions;
                case "--include-constant" -> constants;
                case "--include-struct" -> structs;
                case "--include-typedef" -> typedefs;
                default ->
                    throw new IllegalArgumentException(source + ": unexpected option " + option
                            + " (only --include-function/-constant/-struct/-typedef are used)");
            };
            if (!target.add(name)) {
                throw new IllegalArgumentException(source + ": " + name + " is listed twice");
            }
        }
        return new BindingSymbols(source, functions, constants, structs, typedefs);
    }

    boolean isEmpty() {
        return functions.isEmpty() && constants.isEmpty() && structs.isEmpty() && typedefs.isEmpty();
    }
}
