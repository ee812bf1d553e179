package dev.softmax.bindings.abi;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SequencedMap;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Asks GCC what the bound C symbols are: constant values, struct sizes and field offsets, typedef kinds, and
 * for every function its parameter count plus the size and type class of each parameter and of the result.
 *
 * <p>Every answer comes from the compiler, never from the Java side:
 * <ol>
 *   <li>{@code gcc -aux-info} writes the prototype of every function declared by the headers, with array
 *       parameters already adjusted to pointers. Its parameter list gives the parameter count.</li>
 *   <li>A generated probe program then feeds each prototype back to GCC: a {@code _Static_assert} with
 *       {@code __builtin_types_compatible_p} proves that the parameter list was read correctly, and
 *       {@code sizeof} plus {@code __builtin_classify_type} on each parameter type give size and kind.</li>
 *   <li>The probe prints constants, {@code sizeof}/{@code _Alignof} of structs and {@code offsetof} of their
 *       fields. The field names are taken from the Java layout, so the probe also initialises the struct with
 *       exactly that many positional elements under {@code -Werror=missing-field-initializers}: GCC rejects it
 *       if C has a field the Java layout does not name, and {@code offsetof} rejects a name C does not have.</li>
 * </ol>
 * A symbol GCC rejects (unknown constant, field or type, wrong prototype reading) does not abort the probe: its
 * error is mapped back to the probe item by line number, recorded under the symbol's name, and the probe is
 * rebuilt without it, so that one run reports every problem.
 */
final class CompilerProbe {

    static final String GCC = "gcc";

    /** The headers to include and the symbols to ask about. */
    record Request(
            Path includeDirectory,
            List<String> headers,
            Collection<String> functions,
            Collection<String> constants,
            Map<String, List<StructMember>> structs,
            Collection<String> typedefs) {}

    /** A struct member as the Java layout names it; scalar members are initialised with 0, aggregates with {0}. */
    record StructMember(String name, boolean scalar) {}

    record Function(
            String name,
            String declaredAt,
            String prototype,
            AbiType returnType,
            List<String> parameterTypes,
            List<AbiType> parameters,
            boolean variadic) {}

    record Constant(String name, long value, int size, boolean signed) {}

    record Struct(String name, long size, long alignment) {}

    record Field(String struct, String name, long offset, AbiType type) {}

    record Typedef(String name, AbiType type) {}

    /**
     * What the compiler said. {@code rejected} maps a symbol key such as {@code "constant dnnl_f32"} or
     * {@code "field dnnl_version_t.major"} to the reason GCC (or the prototype list) gave for not answering.
     */
    record Result(
            SequencedMap<String, Function> functions,
            SequencedMap<String, Constant> constants,
            SequencedMap<String, Struct> structs,
            SequencedMap<String, Field> fields,
            Set<String> structsWithConfirmedFieldCount,
            SequencedMap<String, Typedef> typedefs,
            SequencedMap<String, String> rejected) {}

    private record Prototype(
            String name,
            String declaredAt,
            String text,
            String returnType,
            List<String> parameterTypes,
            boolean variadic) {}

    /** One unit of the probe program; dropped as a whole when GCC rejects any line of it. */
    private record Item(String key, List<String> fileScope, List<String> body) {}

    private static final Pattern AUX_LINE = Pattern.compile("^/\\* (.+?):(\\d+):\\w+ \\*/ (.*);$");
    private static final Pattern GCC_ERROR = Pattern.compile("^(.*?):(\\d+):(?:\\d+:)? error: (.*)$");
    private static final String PROBE_SOURCE = "abi_probe.c";

    private final Path workDirectory;

    CompilerProbe(Path workDirectory) {
        this.workDirectory = workDirectory;
    }

    Result run(Request request) {
        var rejected = new LinkedHashMap<String, String>();
        Map<String, Prototype> prototypes = readPrototypes(request, rejected);

        List<Item> items = new ArrayList<>();
        for (String function : request.functions()) {
            Prototype prototype = prototypes.get(function);
            if (prototype != null) {
                items.add(functionItem(prototype));
            }
        }
        for (String constant : request.constants()) {
            items.add(constantItem(constant));
        }
        request.structs().forEach((struct, members) -> {
            items.add(structItem(struct));
            if (!members.isEmpty()) {
                items.add(fieldCountItem(struct, members));
            }
            for (StructMember member : members) {
                items.add(fieldItem(struct, member.name(), items.size()));
            }
        });
        for (String typedef : request.typedefs()) {
            items.add(typedefItem(typedef, items.size()));
        }

        Path binary = compileDroppingRejected(request, items, rejected);
        return parse(execute(binary), prototypes, rejected);
    }

    // ---- step 1: prototypes from gcc -aux-info -------------------------------------------------------------

    private Map<String, Prototype> readPrototypes(Request request, Map<String, String> rejected) {
        Path source = workDirectory.resolve("declarations.c");
        Path aux = workDirectory.resolve("declarations.aux");
        write(source, includes(request.headers()));
        ProcessOutput gcc = runCommand(List.of(
                GCC,
                "-std=gnu11",
                "-I" + request.includeDirectory(),
                "-aux-info",
                aux.toString(),
                "-c",
                source.toString(),
                "-o",
                workDirectory.resolve("declarations.o").toString()));
        if (gcc.exitCode() != 0) {
            throw new IllegalStateException("gcc could not compile the headers alone:\n" + gcc.output());
        }
        var prototypes = new LinkedHashMap<String, Prototype>();
        List<String> auxLines = readLines(aux);
        for (String function : request.functions()) {
            Optional<Prototype> prototype = findPrototype(function, auxLines);
            if (prototype.isPresent()) {
                prototypes.put(function, prototype.get());
            } else {
                rejected.put(
                        "function " + function,
                        "not declared in " + String.join(", ", request.headers())
                                + " (gcc -aux-info lists no prototype for it)");
            }
        }
        return prototypes;
    }

    private static Optional<Prototype> findPrototype(String name, List<String> auxLines) {
        Pattern declaration = Pattern.compile("(?<![A-Za-z0-9_])" + Pattern.quote(name) + " \\(");
        for (String line : auxLines) {
            Matcher aux = AUX_LINE.matcher(line);
            if (!aux.matches()) {
                continue;
            }
            String text = aux.group(3);
            Matcher named = declaration.matcher(text);
            if (!named.find()) {
                continue;
            }
            int open = named.end() - 1;
            int close = matchingParenthesis(text, open);
            String returnType = text.substring(0, named.start()).trim();
            for (String storage : List.of("extern ", "static ", "inline ")) {
                if (returnType.startsWith(storage)) {
                    returnType = returnType.substring(storage.length()).trim();
                }
            }
            List<String> parameters = splitTopLevel(text.substring(open + 1, close));
            boolean variadic = !parameters.isEmpty() && parameters.getLast().equals("...");
            if (variadic) {
                parameters = parameters.subList(0, parameters.size() - 1);
            }
            if (parameters.size() == 1 && parameters.getFirst().equals("void")) {
                parameters = List.of();
            }
            String declaredAt = Path.of(aux.group(1)).getFileName() + ":" + aux.group(2);
            return Optional.of(new Prototype(name, declaredAt, text, returnType, List.copyOf(parameters), variadic));
        }
        return Optional.empty();
    }

    private static int matchingParenthesis(String text, int open) {
        int depth = 0;
        for (int i = open; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')' && --depth == 0) {
                return i;
            }
        }
        throw new IllegalArgumentException("unbalanced parentheses in " + text);
    }

    private static List<String> splitTopLevel(String parameterList) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < parameterList.length(); i++) {
            char c = parameterList.charAt(i);
            if (c == '(' || c == '[') {
                depth++;
            } else if (c == ')' || c == ']') {
                depth--;
            } else if (c == ',' && depth == 0) {
                parts.add(parameterList.substring(start, i).trim());
                start = i + 1;
            }
        }
        String last = parameterList.substring(start).trim();
        if (!last.isEmpty()) {
            parts.add(last);
        }
        return parts;
    }

    // ---- step 2: the probe program ---------------------------------------------------------------------

    private static Item functionItem(Prototype prototype) {
        String name = prototype.name();
        String parameterList =
                prototype.parameterTypes().isEmpty() ? "void" : String.join(", ", prototype.parameterTypes());
        if (prototype.variadic()) {
            parameterList += ", ...";
        }
        List<String> body = new ArrayList<>();
        body.add(printf(
                "function\\t%s\\t%d\\t%d",
                quote(name), String.valueOf(prototype.parameterTypes().size()), prototype.variadic() ? "1" : "0"));
        body.add(
                prototype.returnType().equals("void")
                        ? printf("return\\t%s\\t0\\t0", quote(name))
                        : printf(
                                "return\\t%s\\t%zu\\t%d",
                                quote(name),
                                "sizeof(" + prototype.returnType() + ")",
                                classify(prototype.returnType())));
        for (int i = 0; i < prototype.parameterTypes().size(); i++) {
            String type = prototype.parameterTypes().get(i);
            body.add(printf(
                    "parameter\\t%s\\t%d\\t%zu\\t%d",
                    quote(name), String.valueOf(i), "sizeof(" + type + ")", classify(type)));
        }
        // Proves the -aux-info text was split into exactly the parameters the compiler knows.
        List<String> fileScope = List.of("_Static_assert(__builtin_types_compatible_p(__typeof__(&" + name + "), "
                + prototype.returnType() + " (*)(" + parameterList + ")), \"prototype of " + name
                + " read from gcc -aux-info\");");
        return new Item("function " + name, fileScope, body);
    }

    private static Item constantItem(String name) {
        // The signedness tells how to compare a 4-byte unsigned value with the Java int jextract binds it to.
        return new Item(
                "constant " + name,
                List.of(),
                List.of(printf(
                        "constant\\t%s\\t%lld\\t%zu\\t%d",
                        quote(name),
                        "(long long)(" + name + ")",
                        "sizeof(" + name + ")",
                        "((__typeof__(" + name + "))-1 < 0)")));
    }

    private static Item structItem(String struct) {
        return new Item(
                "struct " + struct,
                List.of(),
                List.of(printf(
                        "struct\\t%s\\t%zu\\t%zu",
                        quote(struct), "sizeof(" + struct + ")", "_Alignof(" + struct + ")")));
    }

    private static Item fieldCountItem(String struct, List<StructMember> members) {
        List<String> elements = new ArrayList<>();
        for (StructMember member : members) {
            // A lone literal 0 is C's universal zero initializer, which GCC never reports as incomplete.
            elements.add(member.scalar() && members.size() > 1 ? "0" : "{0}");
        }
        return new Item(
                "struct " + struct + " field count",
                List.of(),
                List.of(
                        "    " + struct + " positional = { " + String.join(", ", elements) + " };",
                        "    (void) positional;",
                        printf("fields\\t%s\\t%d", quote(struct), String.valueOf(members.size()))));
    }

    private static Item fieldItem(String struct, String field, int index) {
        String type = "__typeof__(((" + struct + " *)0)->" + field + ")";
        String helper = "field_as_parameter_" + index;
        return new Item(
                "field " + struct + "." + field,
                List.of("static size_t " + helper + "(" + type + " value) { return sizeof value; }"),
                List.of(printf(
                        "field\\t%s\\t%s\\t%zu\\t%zu\\t%d\\t%zu",
                        quote(struct),
                        quote(field),
                        "offsetof(" + struct + ", " + field + ")",
                        "sizeof(" + type + ")",
                        classify(type),
                        helper + "((" + type + "){0})")));
    }

    private static Item typedefItem(String typedef, int index) {
        // An array type is adjusted to a pointer when it is a parameter type (and __builtin_classify_type
        // sees it decayed); comparing sizeof before and after tells arrays apart without naming the element.
        String helper = "as_parameter_" + index;
        return new Item(
                "typedef " + typedef,
                List.of("static size_t " + helper + "(" + typedef + " value) { return sizeof value; }"),
                List.of(printf(
                        "typedef\\t%s\\t%zu\\t%d\\t%zu",
                        quote(typedef),
                        "sizeof(" + typedef + ")",
                        classify(typedef),
                        helper + "((" + typedef + "){0})")));
    }

    private static String classify(String type) {
        return "__builtin_classify_type((" + type + "){0})";
    }

    private static String quote(String text) {
        return "\"" + text + "\"";
    }

    private static String printf(String format, String... arguments) {
        // One printf per line of output; the format's conversions are filled by the argument expressions.
        StringBuilder call = new StringBuilder("    printf(\"" + format + "\\n\"");
        for (String argument : arguments) {
            call.append(", ").append(argument);
        }
        return call.append(");").toString();
    }

    private static String includes(List<String> headers) {
        StringBuilder text = new StringBuilder("#include <stddef.h>\n#include <stdio.h>\n");
        for (String header : headers) {
            text.append(header.contains("/") ? "#include \"" + header + "\"\n" : "#include <" + header + ">\n");
        }
        return text.toString();
    }

    private Path compileDroppingRejected(Request request, List<Item> items, Map<String, String> rejected) {
        List<Item> remaining = new ArrayList<>(items);
        Path source = workDirectory.resolve(PROBE_SOURCE);
        Path binary = workDirectory.resolve("abi_probe");
        while (true) {
            List<int[]> lineRanges = new ArrayList<>();
            write(source, probeSource(request.headers(), remaining, lineRanges));
            ProcessOutput gcc = runCommand(List.of(
                    GCC,
                    "-std=gnu11",
                    "-O0",
                    "-fdiagnostics-plain-output",
                    "-fmax-errors=0",
                    "-Werror=missing-field-initializers",
                    "-Wno-sizeof-array-argument",
                    "-I" + request.includeDirectory(),
                    "-o",
                    binary.toString(),
                    source.toString()));
            if (gcc.exitCode() == 0) {
                return binary;
            }
            var culprits = new LinkedHashMap<Integer, Set<String>>();
            boolean unexplained = false;
            for (String line : gcc.output().lines().toList()) {
                Matcher error = GCC_ERROR.matcher(line);
                if (!error.matches()) {
                    continue;
                }
                int item = Path.of(error.group(1)).getFileName().toString().equals(PROBE_SOURCE)
                        ? itemAt(Integer.parseInt(error.group(2)), lineRanges)
                        : -1;
                if (item < 0) {
                    unexplained = true;
                } else {
                    culprits.computeIfAbsent(item, _ -> new LinkedHashSet<>()).add(error.group(3));
                }
            }
            if (unexplained || culprits.isEmpty()) {
                throw new IllegalStateException(
                        "gcc rejected the probe for a reason not tied to one symbol:\n" + gcc.output());
            }
            List<Item> dropped = new ArrayList<>();
            culprits.forEach((item, messages) -> {
                rejected.put(remaining.get(item).key(), "gcc: " + String.join("; ", messages));
                dropped.add(remaining.get(item));
            });
            remaining.removeAll(dropped);
        }
    }

    private static int itemAt(int line, List<int[]> lineRanges) {
        for (int i = 0; i < lineRanges.size(); i++) {
            if (line >= lineRanges.get(i)[0] && line <= lineRanges.get(i)[1]) {
                return i;
            }
        }
        return -1;
    }

    private static String probeSource(List<String> headers, List<Item> items, List<int[]> lineRanges) {
        List<String> lines = new ArrayList<>(includes(headers).lines().toList());
        lines.add("");
        for (int i = 0; i < items.size(); i++) {
            Item item = items.get(i);
            int first = lines.size() + 1;
            lines.add("/* " + item.key() + " */");
            lines.addAll(item.fileScope());
            lines.add("static void probe_" + i + "(void) {");
            lines.addAll(item.body());
            lines.add("}");
            lineRanges.add(new int[] {first, lines.size()});
            lines.add("");
        }
        lines.add("int main(void) {");
        for (int i = 0; i < items.size(); i++) {
            lines.add("    probe_" + i + "();");
        }
        lines.add("    return 0;");
        lines.add("}");
        return String.join("\n", lines) + "\n";
    }

    // ---- step 3: run the probe and read its answers ------------------------------------------------------

    private String execute(Path binary) {
        ProcessOutput probe = runCommand(List.of(binary.toString()));
        if (probe.exitCode() != 0) {
            throw new IllegalStateException("the probe exited with " + probe.exitCode() + ":\n" + probe.output());
        }
        return probe.output();
    }

    private static Result parse(
            String output, Map<String, Prototype> prototypes, SequencedMap<String, String> rejected) {
        var functionShapes = new LinkedHashMap<String, int[]>();
        var returns = new LinkedHashMap<String, AbiType>();
        var parameters = new LinkedHashMap<String, Map<Integer, AbiType>>();
        var constants = new LinkedHashMap<String, Constant>();
        var structs = new LinkedHashMap<String, Struct>();
        var fields = new LinkedHashMap<String, Field>();
        Set<String> confirmedFieldCounts = new LinkedHashSet<>();
        var typedefs = new LinkedHashMap<String, Typedef>();
        for (String line : output.lines().toList()) {
            String[] column = line.split("\t");
            switch (column[0]) {
                case "function" ->
                    functionShapes.put(column[1], new int[] {Integer.parseInt(column[2]), Integer.parseInt(column[3])});
                case "return" ->
                    returns.put(
                            column[1],
                            AbiType.fromGccTypeClass(Integer.parseInt(column[3]), Long.parseLong(column[2])));
                case "parameter" ->
                    parameters
                            .computeIfAbsent(column[1], _ -> new LinkedHashMap<>())
                            .put(
                                    Integer.parseInt(column[2]),
                                    AbiType.fromGccTypeClass(Integer.parseInt(column[4]), Long.parseLong(column[3])));
                case "constant" ->
                    constants.put(
                            column[1],
                            new Constant(
                                    column[1],
                                    Long.parseLong(column[2]),
                                    Integer.parseInt(column[3]),
                                    column[4].equals("1")));
                case "struct" ->
                    structs.put(column[1], new Struct(column[1], Long.parseLong(column[2]), Long.parseLong(column[3])));
                case "fields" -> confirmedFieldCounts.add(column[1]);
                case "field" ->
                    fields.put(
                            column[1] + "." + column[2],
                            new Field(
                                    column[1],
                                    column[2],
                                    Long.parseLong(column[3]),
                                    decayAware(column[4], column[5], column[6])));
                case "typedef" ->
                    typedefs.put(column[1], new Typedef(column[1], decayAware(column[2], column[3], column[4])));
                default -> throw new IllegalStateException("unexpected probe output: " + line);
            }
        }
        var functions = new LinkedHashMap<String, Function>();
        functionShapes.forEach((name, shape) -> {
            Prototype prototype = prototypes.get(name);
            Map<Integer, AbiType> byIndex = parameters.getOrDefault(name, Map.of());
            List<AbiType> parameterTypes = new ArrayList<>();
            for (int i = 0; i < shape[0]; i++) {
                parameterTypes.add(byIndex.get(i));
            }
            functions.put(
                    name,
                    new Function(
                            name,
                            prototype.declaredAt(),
                            prototype.text(),
                            returns.get(name),
                            prototype.parameterTypes(),
                            parameterTypes,
                            shape[1] == 1));
        });
        return new Result(functions, constants, structs, fields, confirmedFieldCounts, typedefs, rejected);
    }

    /** An array type shrinks to a pointer when it becomes a parameter; nothing else changes size there. */
    private static AbiType decayAware(String size, String typeClass, String sizeAsParameter) {
        long bytes = Long.parseLong(size);
        return bytes != Long.parseLong(sizeAsParameter)
                ? new AbiType(AbiType.Kind.ARRAY, bytes)
                : AbiType.fromGccTypeClass(Integer.parseInt(typeClass), bytes);
    }

    // ---- processes and files ----------------------------------------------------------------------------

    private record ProcessOutput(int exitCode, String output) {}

    private ProcessOutput runCommand(List<String> command) {
        Process process;
        try {
            process = new ProcessBuilder(command)
                    .directory(workDirectory.toFile())
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            if (command.getFirst().equals(GCC)) {
                throw new IllegalStateException(
                        "the ABI conformance test needs gcc on the PATH to compile its "
                                + "probe, and it could not be started: " + e.getMessage(),
                        e);
            }
            throw new UncheckedIOException(e);
        }
        try {
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException("timed out: " + String.join(" ", command));
            }
            return new ProcessOutput(process.exitValue(), new String(output, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command.getFirst(), e);
        }
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
