package dev.cortana.host.plugins;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import org.pf4j.DefaultPluginManager;
import org.pf4j.ExtensionFactory;
import org.pf4j.Plugin;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginFactory;
import org.pf4j.PluginRuntimeException;
import org.pf4j.PluginState;
import org.pf4j.PluginStateEvent;
import org.pf4j.PluginWrapper;
import org.pf4j.RuntimeMode;

/**
 * PF4J's manager as the host needs it: always in deployment mode (a stray {@code pf4j.mode} must not switch the
 * loaders), extensions built by {@link ContextExtensionFactory}, plugin classes that fail to load reported instead of
 * turned into a {@code NullPointerException}, and a start that leaves reporting the failure to {@link PluginHost}.
 *
 * <p>Not thread-safe, like PF4J itself: {@link PluginHost} calls it under its lock only.
 */
final class CortanaPluginManager extends DefaultPluginManager {

    private final ExtensionFactory contextFactory;

    CortanaPluginManager(Path pluginsDir, String hostVersion, ExtensionFactory contextFactory) {
        super(pluginsDir);
        this.contextFactory = contextFactory;
        this.extensionFactory = contextFactory;
        setSystemVersion(hostVersion);
    }

    @Override
    public RuntimeMode getRuntimeMode() {
        return RuntimeMode.DEPLOYMENT;
    }

    @Override
    public ExtensionFactory getExtensionFactory() {
        // Called by PF4J's extension finders; the field is assigned too late (after the super constructor) for them.
        return contextFactory;
    }

    @Override
    protected PluginFactory createPluginFactory() {
        return new ReportingPluginFactory();
    }

    /** The descriptor PF4J would read from {@code file}, with the same finders. */
    PluginDescriptor findDescriptor(Path file) {
        return getPluginDescriptorFinder().find(file);
    }

    /**
     * Whether this host satisfies {@code requires}, by PF4J's rules ({@code isPluginValid}) but without its log lines:
     * a bare {@code x.y.z} means {@code >=x.y.z}, and a host version of {@code 0.0.0} accepts everything.
     *
     * @throws RuntimeException when {@code requires} is not a SemVer expression
     */
    boolean satisfies(String requires) {
        String constraint = effectiveRequires(requires);
        return "0.0.0".equals(getSystemVersion()) || getVersionManager().checkVersionConstraint(getSystemVersion(), constraint);
    }

    /** {@code requires} as PF4J checks it. */
    String effectiveRequires(String requires) {
        String constraint = requires == null ? "*" : requires.trim();
        if (!isExactVersionAllowed() && constraint.matches("^\\d+\\.\\d+\\.\\d+$")) {
            constraint = ">=" + constraint;
        }
        return constraint;
    }

    /** Whether {@code enabled.txt} / {@code disabled.txt} in the plugins folder turn this plugin off. */
    boolean isDisabled(String pluginId) {
        return isPluginDisabled(pluginId);
    }

    /**
     * Starts a loaded, resolved plugin. Mirrors {@code AbstractPluginManager.doStartPlugin} (private in PF4J), minus its
     * ERROR log with a stack trace: the host logs one clear line instead. Never starts a disabled plugin (PF4J's
     * {@code startPlugin} would enable it and rewrite {@code disabled.txt}).
     */
    PluginState startQuietly(PluginWrapper plugin) {
        if (!resolvedPlugins.contains(plugin) || plugin.getPluginState().isDisabled()) {
            return plugin.getPluginState();
        }
        PluginState before = plugin.getPluginState();
        try {
            plugin.getPlugin().start();
            plugin.setPluginState(PluginState.STARTED);
            plugin.setFailedException(null);
            startedPlugins.add(plugin);
        } catch (Exception | LinkageError e) {
            plugin.setPluginState(PluginState.FAILED);
            plugin.setFailedException(e);
        } finally {
            firePluginStateEvent(new PluginStateEvent(this, plugin, before));
        }
        return plugin.getPluginState();
    }

    /** A {@code Plugin-Class} that cannot be loaded or constructed. */
    static final class PluginClassException extends PluginRuntimeException {
        PluginClassException(String message, Throwable cause) {
            super(cause, "{}", message); // PF4J formats the message: keep a '%' in it from breaking that
        }
    }

    /**
     * PF4J's {@code DefaultPluginFactory} logs and returns null when the {@code Plugin-Class} is missing or its
     * constructor throws, which later surfaces as a bare NullPointerException; this one throws a message a user can act on.
     */
    private static final class ReportingPluginFactory implements PluginFactory {
        @Override
        public Plugin create(PluginWrapper wrapper) {
            String className = wrapper.getDescriptor().getPluginClass();
            Class<?> pluginClass;
            try {
                pluginClass = wrapper.getPluginClassLoader().loadClass(className);
            } catch (ClassNotFoundException | LinkageError e) {
                throw new PluginClassException("Plugin-Class " + className + " not found in the plugin", e);
            }
            int modifiers = pluginClass.getModifiers();
            if (Modifier.isAbstract(modifiers) || Modifier.isInterface(modifiers) || !Plugin.class.isAssignableFrom(pluginClass)) {
                throw new PluginClassException("Plugin-Class " + className + " is not a concrete subclass of org.pf4j.Plugin", null);
            }
            try {
                Constructor<?> constructor;
                try {
                    constructor = pluginClass.getConstructor(PluginWrapper.class);
                    return (Plugin) constructor.newInstance(wrapper);
                } catch (NoSuchMethodException e) {
                    constructor = pluginClass.getConstructor();
                    return (Plugin) constructor.newInstance();
                }
            } catch (InvocationTargetException e) {
                Throwable cause = e.getCause();
                throw new PluginClassException("Plugin-Class " + className + " could not be created: " + PluginHost.describe(cause), cause);
            } catch (ReflectiveOperationException | LinkageError e) {
                throw new PluginClassException("Plugin-Class " + className + " could not be created: " + PluginHost.describe(e), e);
            }
        }
    }
}
