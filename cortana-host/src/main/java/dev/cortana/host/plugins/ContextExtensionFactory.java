package dev.cortana.host.plugins;

import dev.cortana.api.CortanaContext;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import org.pf4j.ExtensionFactory;
import org.pf4j.PluginRuntimeException;

/**
 * Builds extensions the way the plugin API promises: a public constructor taking {@link CortanaContext} receives the
 * context of the plugin whose class loader defined the class, otherwise the no-arg constructor is used. One instance
 * per (plugin, extension class), so a provider's state survives between messages; {@link #forget} drops them when
 * the plugin stops, so nothing keeps an unloaded plugin's classes alive.
 */
final class ContextExtensionFactory implements ExtensionFactory {

    private final Map<ClassLoader, HostPluginContext> contexts = new ConcurrentHashMap<>();
    private final Map<ClassLoader, Map<Class<?>, Object>> instances = new ConcurrentHashMap<>();
    /** Class loaders of plugins that ran over their time limit: weak, so an unloaded plugin's classes can go. */
    private final Set<ClassLoader> abandoned = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

    void register(ClassLoader pluginClassLoader, HostPluginContext context) {
        contexts.put(pluginClassLoader, context);
    }

    void forget(ClassLoader pluginClassLoader) {
        contexts.remove(pluginClassLoader);
        instances.remove(pluginClassLoader);
    }

    /**
     * Marks the class loader of a plugin whose code ran over its time limit: its threads may go on running, so no
     * extension of it is created again, whoever asks (a late call from an abandoned thread, a PF4J finder).
     */
    void abandon(ClassLoader pluginClassLoader) {
        abandoned.add(pluginClassLoader);
        forget(pluginClassLoader);
    }

    @Override
    public <T> T create(Class<T> extensionClass) {
        ClassLoader loader = extensionClass.getClassLoader();
        if (loader != null && abandoned.contains(loader)) {
            throw new ExtensionCreationException(extensionClass.getSimpleName()
                    + " belongs to a plugin that was stopped for running over its time limit", null);
        }
        HostPluginContext context = loader == null ? null : contexts.get(loader);
        if (context == null) {
            return instantiate(extensionClass, null); // a class-path extension: no plugin, no cache
        }
        Map<Class<?>, Object> bucket = instances.computeIfAbsent(loader, k -> new ConcurrentHashMap<>());
        Object existing = bucket.get(extensionClass);
        if (existing != null) {
            return extensionClass.cast(existing);
        }
        T created = instantiate(extensionClass, context); // outside computeIfAbsent: constructors may call back in
        Object raced = bucket.putIfAbsent(extensionClass, created);
        return extensionClass.cast(raced != null ? raced : created);
    }

    private static <T> T instantiate(Class<T> extensionClass, CortanaContext context) {
        String name = extensionClass.getSimpleName();
        try {
            Constructor<T> constructor;
            Object[] arguments;
            try {
                constructor = extensionClass.getConstructor(CortanaContext.class);
                if (context == null) {
                    throw new ExtensionCreationException(name + " takes a CortanaContext but does not belong to a loaded plugin", null);
                }
                arguments = new Object[] {context};
            } catch (NoSuchMethodException e) {
                try {
                    constructor = extensionClass.getConstructor();
                } catch (NoSuchMethodException none) {
                    throw new ExtensionCreationException(
                            name + " needs a public constructor taking CortanaContext, or a public no-argument one", null);
                }
                arguments = new Object[0];
            }
            constructor.trySetAccessible(); // a package-private class with a public constructor is fine too
            return constructor.newInstance(arguments);
        } catch (InvocationTargetException e) {
            throw new ExtensionCreationException(name + " could not be created: " + PluginHost.describe(e.getCause()), e.getCause());
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new ExtensionCreationException(name + " could not be created: " + PluginHost.describe(e), e);
        }
    }

    /** An extension whose constructor threw or that cannot be constructed at all. */
    static final class ExtensionCreationException extends PluginRuntimeException {
        ExtensionCreationException(String message, Throwable cause) {
            super(cause, "{}", message); // PF4J formats the message: keep a '%' in it from breaking that
        }
    }
}
