package dev.softmax.bindings.abi;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.PaddingLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Compares one binding (a jextract-form header class and its struct classes) with what the C compiler said,
 * symbol by symbol, and collects every disagreement as one line that starts with the culprit's name.
 */
final class AbiComparison {

    private final JavaBindings java;
    private final BindingSymbols symbols;
    private final CompilerProbe.Result c;
    private final boolean subset;
    private final List<String> mismatches = new ArrayList<>();

    private AbiComparison(JavaBindings java, BindingSymbols symbols, CompilerProbe.Result c, boolean subset) {
        this.java = java;
        this.symbols = symbols;
        this.c = c;
        this.subset = subset;
    }

    static List<String> mismatches(JavaBindings java, BindingSymbols symbols, CompilerProbe.Result c) {
        return compare(new AbiComparison(java, symbols, c, false));
    }

    /**
     * As {@link #mismatches}, for a list that names only part of what the package binds (the DLPack 0.x subset
     * checked against an older header): every listed symbol must be bound and agree with C, but bound symbols the
     * list leaves out are not reported.
     */
    static List<String> mismatchesOfListedSubset(JavaBindings java, BindingSymbols symbols, CompilerProbe.Result c) {
        return compare(new AbiComparison(java, symbols, c, true));
    }

    private static List<String> compare(AbiComparison comparison) {
        comparison.compareSymbolSets();
        comparison.symbols.functions().forEach(comparison::compareFunction);
        comparison.symbols.constants().forEach(comparison::compareConstant);
        comparison.structs().forEach(comparison::compareStruct);
        comparison.typedefLayouts().forEach(comparison::compareTypedef);
        return List.copyOf(comparison.mismatches);
    }

    /** Struct members as the Java layout names them, for the probe to look up in C. */
    static List<CompilerProbe.StructMember> members(GroupLayout layout) {
        List<CompilerProbe.StructMember> members = new ArrayList<>();
        for (MemoryLayout member : layout.memberLayouts()) {
            if (!(member instanceof PaddingLayout)) {
                members.add(new CompilerProbe.StructMember(
                        member.name().orElse("<unnamed>"), member instanceof ValueLayout));
            }
        }
        return members;
    }

    // ---- nothing bound that is not listed, nothing listed that is not bound -------------------------------

    private void compareSymbolSets() {
        compareSets("function", symbols.functions(), java.functions());
        compareSets("constant", symbols.constants(), java.constants());
        compareSets("struct", structs(), java.structClasses());
        compareSets("typedef", typedefLayouts(), java.typedefs());
    }

    /** Listed structs plus listed typedefs that name a struct: jextract emits a class for each. */
    private Set<String> structs() {
        Set<String> structs = new TreeSet<>(symbols.structs());
        for (String typedef : symbols.typedefs()) {
            if (cKind(typedef) == AbiType.Kind.RECORD) {
                structs.add(typedef);
            }
        }
        return structs;
    }

    /**
     * Listed typedefs jextract binds as a layout constant in the header class: not those naming a struct
     * (they get a class) and not array typedefs (jextract emits nothing for them).
     */
    private Set<String> typedefLayouts() {
        Set<String> typedefs = new TreeSet<>();
        for (String typedef : symbols.typedefs()) {
            AbiType.Kind kind = cKind(typedef);
            if (kind != AbiType.Kind.RECORD
                    && kind != AbiType.Kind.ARRAY
                    && !symbols.structs().contains(typedef)) {
                typedefs.add(typedef);
            }
        }
        return typedefs;
    }

    private AbiType.Kind cKind(String typedef) {
        CompilerProbe.Typedef cTypedef = c.typedefs().get(typedef);
        return cTypedef == null ? null : cTypedef.type().kind();
    }

    private void compareSets(String kind, Set<String> listed, Set<String> bound) {
        for (String name : listed) {
            if (!bound.contains(name)) {
                report(
                        name,
                        kind + " is listed in " + symbols.source() + " but " + java.headerName() + " does not bind it");
            }
        }
        for (String name : bound) {
            if (!subset && !listed.contains(name)) {
                report(
                        name,
                        kind + " is bound in " + java.headerName() + " but not listed in " + symbols.source()
                                + ", so nothing checks it");
            }
        }
    }

    // ---- functions ------------------------------------------------------------------------------------

    private void compareFunction(String name) {
        String rejected = c.rejected().get("function " + name);
        if (rejected != null) {
            report(name, rejected);
            return;
        }
        CompilerProbe.Function cFunction = c.functions().get(name);
        if (cFunction == null) {
            report(name, "the C probe gave no answer for this function");
            return;
        }
        if (!java.functions().contains(name)) {
            return; // already reported as unbound
        }
        String where = " (C: " + cFunction.prototype() + " at " + cFunction.declaredAt() + ")";
        FunctionDescriptor descriptor;
        try {
            descriptor = java.descriptor(name);
        } catch (ReflectiveOperationException e) {
            report(name, "reading " + name + "$descriptor() failed: " + e.getMessage());
            return;
        }
        if (cFunction.variadic()) {
            report(name, "C declares it variadic, which jextract binds through an invoker class" + where);
        }
        AbiType javaReturn = descriptor.returnLayout().map(AbiType::of).orElse(AbiType.VOID);
        if (!javaReturn.equals(cFunction.returnType())) {
            report(
                    name,
                    "returns " + describe(descriptor.returnLayout()) + " in Java but " + cFunction.returnType()
                            + " in C" + where);
        }
        List<MemoryLayout> javaParameters = descriptor.argumentLayouts();
        if (javaParameters.size() != cFunction.parameters().size()) {
            report(
                    name,
                    "takes " + javaParameters.size() + " parameters in Java but "
                            + cFunction.parameters().size() + " in C" + where);
        } else {
            for (int i = 0; i < javaParameters.size(); i++) {
                AbiType javaType = AbiType.of(javaParameters.get(i));
                if (!javaType.equals(cFunction.parameters().get(i))) {
                    report(
                            name,
                            "parameter " + i + " is " + describe(Optional.of(javaParameters.get(i)))
                                    + " in Java but C's '"
                                    + cFunction.parameterTypes().get(i) + "' is "
                                    + cFunction.parameters().get(i) + where);
                }
            }
        }
        compareWrapper(name, descriptor);
    }

    /** The static wrapper and the handle must have the descriptor's shape, or invokeExact fails at run time. */
    private void compareWrapper(String name, FunctionDescriptor descriptor) {
        if (java.wrapper(name, descriptor).isEmpty()) {
            report(name, "has no public static wrapper " + descriptor.toMethodType() + " matching its descriptor");
        }
        try {
            MethodHandle handle = java.handle(name);
            if (!handle.type().equals(descriptor.toMethodType())) {
                report(name, "handle type " + handle.type() + " differs from descriptor " + descriptor.toMethodType());
            }
        } catch (ReflectiveOperationException e) {
            report(name, "reading " + name + "$handle() failed: " + e.getMessage());
        }
    }

    // ---- constants ------------------------------------------------------------------------------------

    private void compareConstant(String name) {
        String rejected = c.rejected().get("constant " + name);
        if (rejected != null) {
            report(name, rejected);
            return;
        }
        CompilerProbe.Constant cConstant = c.constants().get(name);
        Optional<Method> method = java.constant(name);
        if (cConstant == null) {
            report(name, "the C probe gave no answer for this constant");
            return;
        }
        if (method.isEmpty()) {
            return; // already reported as unbound
        }
        long javaValue;
        int javaSize = method.get().getReturnType() == long.class ? 8 : 4;
        try {
            javaValue = ((Number) JavaBindings.invokeStatic(method.get())).longValue();
        } catch (ReflectiveOperationException e) {
            report(name, "calling " + name + "() failed: " + e.getMessage());
            return;
        }
        if (javaSize != cConstant.size()) {
            report(
                    name,
                    "is a " + javaSize + "-byte " + method.get().getReturnType() + " in Java but a " + cConstant.size()
                            + "-byte " + (cConstant.signed() ? "signed" : "unsigned") + " value in C");
            return;
        }
        // Compare the bit patterns of the C width: jextract binds a 4-byte unsigned 0xFFFFFFFF as (int) -1.
        long mask = cConstant.size() >= 8 ? -1L : (1L << (8 * cConstant.size())) - 1;
        if ((javaValue & mask) != (cConstant.value() & mask)) {
            report(name, "is " + javaValue + " in Java but " + cConstant.value() + " in C");
        }
    }

    // ---- structs --------------------------------------------------------------------------------------

    private void compareStruct(String name) {
        Optional<Class<?>> structClass = java.structClass(name);
        if (structClass.isEmpty()) {
            return; // already reported as unbound
        }
        Optional<GroupLayout> layout;
        try {
            layout = JavaBindings.structLayout(structClass.get());
        } catch (ReflectiveOperationException e) {
            report(name, "layout() failed: " + e.getMessage());
            return;
        }
        if (layout.isEmpty()) {
            report(name, "class " + structClass.get().getName() + " has no static layout()");
            return;
        }
        String rejected = c.rejected().get("struct " + name);
        CompilerProbe.Struct cStruct = c.structs().get(name);
        if (rejected != null || cStruct == null) {
            report(name, rejected != null ? rejected : "the C probe gave no answer for this struct");
            return;
        }
        GroupLayout javaLayout = layout.get();
        if (javaLayout.byteSize() != cStruct.size()) {
            report(
                    name,
                    "layout() is " + javaLayout.byteSize() + " bytes in Java but sizeof is " + cStruct.size()
                            + " in C");
        }
        if (javaLayout.byteAlignment() != cStruct.alignment()) {
            report(
                    name,
                    "layout() is aligned to " + javaLayout.byteAlignment() + " in Java but _Alignof is "
                            + cStruct.alignment() + " in C");
        }
        JavaBindings.findMethod(structClass.get(), "sizeof")
                .ifPresentOrElse(
                        sizeof -> {
                            try {
                                long javaSizeof = (long) JavaBindings.invokeStatic(sizeof);
                                if (javaSizeof != cStruct.size()) {
                                    report(
                                            name,
                                            "sizeof() returns " + javaSizeof + " but sizeof is " + cStruct.size()
                                                    + " in C");
                                }
                            } catch (ReflectiveOperationException e) {
                                report(name, "sizeof() failed: " + e.getMessage());
                            }
                        },
                        () -> report(name, "has no static sizeof()"));
        String countProblem = c.rejected().get("struct " + name + " field count");
        if (countProblem != null) {
            report(name, "C has fields the Java layout does not name: " + countProblem);
        } else if (!c.structsWithConfirmedFieldCount().contains(name)
                && !members(javaLayout).isEmpty()) {
            report(name, "the C probe did not confirm the field count");
        }
        for (CompilerProbe.StructMember member : members(javaLayout)) {
            compareField(name, structClass.get(), javaLayout, member.name());
        }
    }

    private void compareField(String struct, Class<?> structClass, GroupLayout javaLayout, String field) {
        String culprit = struct + "." + field;
        String rejected = c.rejected().get("field " + culprit);
        CompilerProbe.Field cField = c.fields().get(culprit);
        if (rejected != null || cField == null) {
            report(culprit, rejected != null ? rejected : "the C probe gave no answer for this field");
            return;
        }
        long javaOffset = javaLayout.byteOffset(groupElement(field));
        if (javaOffset != cField.offset()) {
            report(culprit, "is at offset " + javaOffset + " in Java but offsetof is " + cField.offset() + " in C");
        }
        AbiType javaType = AbiType.of(javaLayout.select(groupElement(field)));
        if (!javaType.equals(cField.type())) {
            report(culprit, "is " + javaType + " in Java but " + cField.type() + " in C");
        }
        JavaBindings.findMethod(structClass, field + "$offset")
                .ifPresentOrElse(
                        accessor -> {
                            try {
                                long accessorOffset = (long) JavaBindings.invokeStatic(accessor);
                                if (accessorOffset != cField.offset()) {
                                    report(
                                            culprit,
                                            field + "$offset() returns " + accessorOffset + " but offsetof is "
                                                    + cField.offset() + " in C");
                                }
                            } catch (ReflectiveOperationException e) {
                                report(culprit, field + "$offset() failed: " + e.getMessage());
                            }
                        },
                        () -> report(culprit, "has no static " + field + "$offset()"));
    }

    // ---- typedefs -------------------------------------------------------------------------------------

    private void compareTypedef(String name) {
        String rejected = c.rejected().get("typedef " + name);
        CompilerProbe.Typedef cTypedef = c.typedefs().get(name);
        if (rejected != null || cTypedef == null) {
            report(name, rejected != null ? rejected : "the C probe gave no answer for this typedef");
            return;
        }
        java.typedef(name).ifPresent(layout -> {
            AbiType javaType = AbiType.of(layout);
            if (!javaType.equals(cTypedef.type())) {
                report(name, "is " + javaType + " in Java but " + cTypedef.type() + " in C");
            }
        });
    }

    private static String describe(Optional<MemoryLayout> layout) {
        return layout.map(l -> l + " (" + AbiType.of(l) + ")").orElse("void");
    }

    private void report(String culprit, String problem) {
        mismatches.add(culprit + ": " + problem);
    }
}
