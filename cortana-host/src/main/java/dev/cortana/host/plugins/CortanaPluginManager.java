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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PF4J's manager as the host needs it: always in deployment mode (a stray {@code pf4j.mode} must not switch the
 * loaders), extensions built by {@link ContextExtensionFactory}, plugin classes that fail to load reported instead of
 * turned into a {@code NullPointerException}, and a start that leaves reporting the failure to {@link PluginHost}.
 * The plugin's own code ({@code Plugin-Class} constructor, {@code start()}, {@code stop()}) runs under a
 * {@link PluginTimeLimit}: every plugin object PF4J gets is a {@link TimeLimitedPlugin} around the real one.
 *
 * <p>Not thread-safe, like PF4J itself: {@link PluginHost} calls it under its lock only.
 */
final class CortanaPluginManager extends DefaultPluginManager {

    /** PluginHost's logger: the log lines keep the name users know and filter on. */
    private static final Logger log = LoggerFactory.getLogger(PluginHost.class);

    private final ExtensionFactory contextFactory;
    private final PluginTimeLimit timeLimit;

    CortanaPluginManager(Path pluginsDir, String hostVersion, ExtensionFactory contextFactory, PluginTimeLimit timeLimit) {
        super(pluginsDir);
        this.contextFactory = contextFactory;
        this.timeLimit = timeLimit;
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
        // Called by the super constructor, before timeLimit is assigned: the factory reads it when it creates a plugin.
        return new ReportingPluginFactory(() -> timeLimit);
    }

    @Override
    protected org.pf4j.PluginDescriptorFinder createPluginDescriptorFinder() {
        return SettingsDeclaringDescriptor.finder(); // PF4J's finders, also reading Plugin-Settings
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
        private final java.util.function.Supplier<PluginTimeLimit> timeLimit;

        ReportingPluginFactory(java.util.function.Supplier<PluginTimeLimit> timeLimit) {
            this.timeLimit = timeLimit;
        }

        @Override
        public Plugin create(PluginWrapper wrapper) {
            String className = wrapper.getDescriptor().getPluginClass();
            PluginTimeLimit limit = timeLimit.get();
            Plugin real;
            try {
                real = limit.call("the constructor of Plugin-Class " + className, threadName(wrapper, "create"),
                        () -> createReal(wrapper, className));
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new PluginClassException("Plugin-Class " + className + " could not be created: " + PluginHost.describe(e), e);
            }
            return new TimeLimitedPlugin(real, wrapper.getPluginId(), limit);
        }

        private static Plugin createReal(PluginWrapper wrapper, String className) {
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

    private static String threadName(PluginWrapper wrapper, String what) {
        return "cortana-plugin-" + wrapper.getPluginId() + "-" + what;
    }

    /**
     * The plugin object PF4J holds: runs the real plugin's {@code start()} and {@code stop()} under the time limit.
     * A {@code start()} over it fails the plugin; a {@code stop()} over it is logged and abandoned, so unloading (a
     * removed JAR, shutdown) goes on: the plugin is already out of service by then.
     */
    static final class TimeLimitedPlugin extends Plugin {
        private final Plugin real;
        private final String pluginId;
        private final PluginTimeLimit limit;

        TimeLimitedPlugin(Plugin real, String pluginId, PluginTimeLimit limit) {
            this.real = real;
            this.pluginId = pluginId;
            this.limit = limit;
        }

        @Override
        public void start() {
            callReal("start()", "start", real::start);
        }

        @Override
        public void stop() {
            try {
                callReal("stop()", "stop", real::stop);
            } catch (PluginTimeLimit.PluginTimeoutException e) {
                CortanaPluginManager.log.warn("Plugin {}: {}; unloading it anyway (its thread is abandoned)", pluginId,
                        e.getMessage());
            }
        }

        @Override
        public void delete() {
            callReal("delete()", "delete", real::delete);
        }

        private void callReal(String what, String thread, Runnable work) {
            try {
                limit.run(what, "cortana-plugin-" + pluginId + "-" + thread, work::run);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) { // Plugin's methods declare no checked exceptions; a sneaky one is a failure too
                throw new PluginRuntimeException(e, "{}", what + " failed: " + PluginHost.describe(e));
            }
        }
    }
}
