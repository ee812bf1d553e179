package dev.softmax.bindings.abi;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * What one jextract-form header class and its package expose, found by reflection the way a caller sees it:
 * functions by their {@code name$descriptor()} accessor, constants as no-argument {@code int}/{@code long}
 * methods, typedefs as public layout fields, structs as classes with a {@code layout()} method.
 */
final class JavaBindings {

    private final Class<?> header;

    JavaBindings(Class<?> header) {
        this.header = header;
    }

    String headerName() {
        return header.getSimpleName();
    }

    Set<String> functions() {
        var names = new TreeSet<String>();
        for (Method method : header.getDeclaredMethods()) {
            if (isPublicStatic(method) && method.getName().endsWith("$descriptor") && method.getParameterCount() == 0) {
                names.add(method.getName().substring(0, method.getName().length() - "$descriptor".length()));
            }
        }
        return names;
    }

    /** Reading the descriptor initialises the holder class, which also resolves the symbol (jextract's design). */
    FunctionDescriptor descriptor(String function) throws ReflectiveOperationException {
        return (FunctionDescriptor) invokeStatic(header.getMethod(function + "$descriptor"));
    }

    MethodHandle handle(String function) throws ReflectiveOperationException {
        return (MethodHandle) invokeStatic(header.getMethod(function + "$handle"));
    }

    MemorySegment address(String function) throws ReflectiveOperationException {
        return (MemorySegment) invokeStatic(header.getMethod(function + "$address"));
    }

    Optional<Method> wrapper(String function, FunctionDescriptor descriptor) {
        try {
            Method method = header.getMethod(function, descriptor.toMethodType().parameterArray());
            return method.getReturnType() == descriptor.toMethodType().returnType() && isPublicStatic(method)
                    ? Optional.of(method)
                    : Optional.empty();
        } catch (NoSuchMethodException e) {
            return Optional.empty();
        }
    }

    Set<String> constants() {
        Set<String> functions = functions();
        var names = new TreeSet<String>();
        for (Method method : header.getDeclaredMethods()) {
            Class<?> type = method.getReturnType();
            if (isPublicStatic(method)
                    && method.getParameterCount() == 0
                    && !method.getName().contains("$")
                    && (type == int.class || type == long.class)
                    && !functions.contains(method.getName())) {
                names.add(method.getName());
            }
        }
        return names;
    }

    Optional<Method> constant(String name) {
        return constants().contains(name) ? findMethod(header, name) : Optional.empty();
    }

    Set<String> typedefs() {
        var names = new TreeSet<String>();
        for (Field field : header.getDeclaredFields()) {
            if (isTypedefField(field)) {
                names.add(field.getName());
            }
        }
        return names;
    }

    Optional<MemoryLayout> typedef(String name) {
        try {
            Field field = header.getDeclaredField(name);
            return isTypedefField(field) ? Optional.of((MemoryLayout) field.get(null)) : Optional.empty();
        } catch (NoSuchFieldException | IllegalAccessException e) {
            return Optional.empty();
        }
    }

    /** Top-level classes of the header's package other than the header class: jextract's struct classes. */
    Set<String> structClasses() {
        String packageFolder = header.getPackageName().replace('.', '/') + "/";
        var names = new TreeSet<String>();
        try {
            Path location = Path.of(
                    header.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isDirectory(location)) {
                try (Stream<Path> files = Files.list(location.resolve(packageFolder))) {
                    files.map(file -> file.getFileName().toString()).forEach(file -> addTopLevelClass(file, names));
                }
            } else {
                try (JarFile jar = new JarFile(location.toFile())) {
                    jar.stream()
                            .map(entry -> entry.getName())
                            .filter(entry ->
                                    entry.startsWith(packageFolder) && entry.indexOf('/', packageFolder.length()) < 0)
                            .forEach(entry -> addTopLevelClass(entry.substring(packageFolder.length()), names));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        names.remove(header.getSimpleName());
        return names;
    }

    Optional<Class<?>> structClass(String name) {
        try {
            return Optional.of(Class.forName(header.getPackageName() + "." + name, true, header.getClassLoader()));
        } catch (ClassNotFoundException e) {
            return Optional.empty();
        }
    }

    /** Empty when the class has no {@code layout()}; throws when initialising the class or the layout fails. */
    static Optional<GroupLayout> structLayout(Class<?> struct) throws ReflectiveOperationException {
        Optional<Method> layout = findMethod(struct, "layout");
        return layout.isEmpty() ? Optional.empty() : Optional.of((GroupLayout) invokeStatic(layout.get()));
    }

    static Optional<Method> findMethod(Class<?> type, String name, Class<?>... parameters) {
        try {
            Method method = type.getMethod(name, parameters);
            return isPublicStatic(method) ? Optional.of(method) : Optional.empty();
        } catch (NoSuchMethodException e) {
            return Optional.empty();
        }
    }

    static Object invokeStatic(Method method, Object... arguments) throws ReflectiveOperationException {
        try {
            return method.invoke(null, arguments);
        } catch (InvocationTargetException e) {
            // Unwrap so that the report shows the real cause (typically an unresolved symbol).
            Throwable cause = e.getCause() instanceof ExceptionInInitializerError init && init.getCause() != null
                    ? init.getCause()
                    : e.getCause();
            throw new ReflectiveOperationException(cause.toString(), cause);
        }
    }

    private static void addTopLevelClass(String fileName, Set<String> names) {
        if (fileName.endsWith(".class") && !fileName.contains("$")) {
            names.add(fileName.substring(0, fileName.length() - ".class".length()));
        }
    }

    private static boolean isTypedefField(Field field) {
        return Modifier.isPublic(field.getModifiers())
                && Modifier.isStatic(field.getModifiers())
                && MemoryLayout.class.isAssignableFrom(field.getType())
                && !field.getName().startsWith("C_");
    }

    private static boolean isPublicStatic(Method method) {
        return Modifier.isPublic(method.getModifiers()) && Modifier.isStatic(method.getModifiers());
    }
}
