package dev.cortana.checks;

import java.lang.annotation.Annotation;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Which tool parameters the model can fill. Follows what LangChain4j 1.19 turns into a JSON schema and back
 * ({@code ToolSpecifications}, {@code JsonSchemaElementUtils}, {@code JacksonJsonCodec}): strings ({@code String},
 * {@code char}, any {@code CharSequence}, {@code UUID}), integers (the primitive ones, their boxes, {@code BigInteger}),
 * numbers ({@code float}, {@code double}, boxes, {@code BigDecimal}), booleans, enums, arrays and collections of
 * those, maps, {@code LocalDate}/{@code LocalTime}/{@code LocalDateTime}, an {@code Optional} of any of them, and the
 * plugin's own records and classes whose fields are all of those. Anything else from the JDK ({@code Path},
 * {@code File}, {@code InputStream}, {@code Reader}, {@code Object}, {@code Class}, {@code Thread}, {@code Instant},
 * functional interfaces, ...) and interfaces or abstract classes without Jackson subtypes become a schema the model
 * cannot fill, or a value Jackson cannot build: the call fails at run time.
 */
final class ToolParameters {

    private static final Set<Class<?>> SCALARS = Set.of(String.class, char.class, Character.class, UUID.class,
            byte.class, Byte.class, short.class, Short.class, int.class, Integer.class, long.class, Long.class,
            BigInteger.class, float.class, Float.class, double.class, Double.class, BigDecimal.class,
            boolean.class, Boolean.class, LocalDate.class, LocalTime.class, LocalDateTime.class);

    private ToolParameters() {
    }

    /** Parameters LangChain4j fills itself and never offers the model. */
    static boolean managedByTheHost(Parameter parameter) {
        if (PluginChecks.annotation(parameter.getAnnotations(), "dev.langchain4j.agent.tool.ToolMemoryId") != null) {
            return true;
        }
        return isA(parameter.getType(), "dev.langchain4j.invocation.InvocationParameters")
                || isA(parameter.getType(), "dev.langchain4j.invocation.LangChain4jManaged")
                || parameter.getType().getName().equals("dev.langchain4j.invocation.InvocationContext");
    }

    /** {@code @P(name = "...")}, or {@code null}. */
    static String explicitName(Parameter parameter) {
        Annotation p = PluginChecks.annotation(parameter.getAnnotations(), "dev.langchain4j.agent.tool.P");
        Object name = p == null ? null : PluginChecks.value(p, "name");
        return name instanceof String s && !s.isBlank() ? s : null;
    }

    /** {@code "is a java.nio.file.Path"}, or {@code null} when the model can fill the parameter. */
    static String whyUnfillable(Parameter parameter) {
        Type type = parameter.getParameterizedType();
        if (parameter.getType() == Optional.class) {
            type = type instanceof ParameterizedType optional ? optional.getActualTypeArguments()[0] : Object.class;
        }
        return whyUnfillable(type, new HashSet<>(), 0);
    }

    private static String whyUnfillable(Type type, Set<Class<?>> visiting, int depth) {
        if (type instanceof WildcardType wildcard) {
            Type[] upper = wildcard.getUpperBounds();
            return whyUnfillable(upper.length == 0 ? Object.class : upper[0], visiting, depth);
        }
        if (type instanceof TypeVariable<?>) {
            return "is a type variable (" + type.getTypeName() + ")";
        }
        if (type instanceof GenericArrayType array) {
            return whyUnfillable(array.getGenericComponentType(), visiting, depth);
        }
        Class<?> raw = raw(type);
        if (raw == null) {
            return "is a " + type.getTypeName();
        }
        if (SCALARS.contains(raw) || CharSequence.class.isAssignableFrom(raw) || raw.isEnum()) {
            return null;
        }
        if (raw.isArray()) {
            return inside(raw.getComponentType(), raw, "elements", visiting, depth);
        }
        if (Collection.class.isAssignableFrom(raw)) {
            Type element = argument(type, 0);
            return element == null ? "is a " + raw.getName() + " without an element type"
                    : inside(element, type, "elements", visiting, depth);
        }
        if (Map.class.isAssignableFrom(raw)) {
            Type value = argument(type, 1);
            return value == null ? null : inside(value, type, "values", visiting, depth);
        }
        if (raw == Optional.class) {
            Type value = argument(type, 0);
            return value == null ? "is an Optional without a type" : inside(value, type, "value", visiting, depth);
        }
        if (raw.isPrimitive()) { // void
            return "is " + raw.getName();
        }
        if (jdk(raw)) {
            return "is a " + (functional(raw) ? raw.getName() + " (a function: code, not data)" : raw.getName());
        }
        if (raw.isInterface() || Modifier.isAbstract(raw.getModifiers())) {
            if (PluginChecks.annotation(raw.getAnnotations(), "com.fasterxml.jackson.annotation.JsonSubTypes") != null) {
                return null; // polymorphic: LangChain4j offers each subtype
            }
            return "is " + describe(raw) + " (abstract, without Jackson subtypes)";
        }
        if (!visiting.add(raw) || depth > 8) {
            return null; // a recursive type: its fields are checked where it first appears
        }
        try {
            for (Field field : raw.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers()) || field.isSynthetic() || field.getName().startsWith("this$")) {
                    continue;
                }
                String why = whyUnfillable(field.getGenericType(), visiting, depth + 1);
                if (why != null) {
                    return "(a " + raw.getName() + ") has a field '" + field.getName() + "' that " + why;
                }
            }
        } catch (LinkageError e) {
            return null;
        } finally {
            visiting.remove(raw);
        }
        return null;
    }

    private static String inside(Type inner, Type outer, String what, Set<Class<?>> visiting, int depth) {
        String why = whyUnfillable(inner, visiting, depth + 1);
        return why == null ? null : "(a " + outer.getTypeName() + ") has " + what + " that " + why.replaceFirst("^is ", "are ");
    }

    private static String describe(Class<?> raw) {
        if (functional(raw)) {
            return "the function type " + raw.getName() + " (code, not data)";
        }
        return raw.isInterface() ? "the interface " + raw.getName() : "the abstract class " + raw.getName();
    }

    /** An interface with one abstract method: a lambda, which JSON cannot carry. */
    private static boolean functional(Class<?> raw) {
        if (!raw.isInterface()) {
            return false;
        }
        if (raw.isAnnotationPresent(FunctionalInterface.class)) {
            return true;
        }
        long abstractMethods = java.util.Arrays.stream(raw.getMethods())
                .filter(m -> Modifier.isAbstract(m.getModifiers())).count();
        return abstractMethods == 1;
    }

    private static boolean jdk(Class<?> raw) {
        String name = raw.getName();
        return name.startsWith("java.") || name.startsWith("javax.") || name.startsWith("jdk.")
                || name.startsWith("sun.") || name.startsWith("com.sun.");
    }

    private static Class<?> raw(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> c) {
            return c;
        }
        return null;
    }

    private static Type argument(Type type, int index) {
        return type instanceof ParameterizedType p && p.getActualTypeArguments().length > index
                ? p.getActualTypeArguments()[index] : null;
    }

    private static boolean isA(Class<?> type, String name) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            if (c.getName().equals(name)) {
                return true;
            }
            for (Class<?> i : c.getInterfaces()) {
                if (isA(i, name)) {
                    return true;
                }
            }
        }
        return false;
    }
}
