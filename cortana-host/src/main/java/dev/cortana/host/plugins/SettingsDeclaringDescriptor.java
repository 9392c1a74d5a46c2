package dev.cortana.host.plugins;

import java.util.List;
import java.util.Properties;
import java.util.jar.Manifest;
import org.pf4j.CompoundPluginDescriptorFinder;
import org.pf4j.DefaultPluginDescriptor;
import org.pf4j.ManifestPluginDescriptorFinder;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginDescriptorFinder;
import org.pf4j.PropertiesPluginDescriptorFinder;

/**
 * PF4J's descriptor plus the settings the plugin declares it reads: the manifest entry {@value #MANIFEST_ENTRY}
 * ({@code Plugin-Settings: EXA_API_KEY, EXA_*}) or, in a {@code plugin.properties} descriptor, {@value #PROPERTY}.
 * See {@link ScopedSettings} for what a declaration grants.
 */
final class SettingsDeclaringDescriptor extends DefaultPluginDescriptor {

    static final String MANIFEST_ENTRY = "Plugin-Settings";
    static final String PROPERTY = "plugin.settings";

    private List<String> settings = List.of();

    /** The keys or {@code *} patterns the plugin declares; empty for a descriptor PF4J built on its own. */
    static List<String> declaredSettings(PluginDescriptor descriptor) {
        return descriptor instanceof SettingsDeclaringDescriptor own ? own.settings : List.of();
    }

    /** PF4J's own finders in PF4J's order (properties, then manifest), reading the declaration too. */
    static PluginDescriptorFinder finder() {
        return new CompoundPluginDescriptorFinder().add(new FromProperties()).add(new FromManifest());
    }

    private static final class FromManifest extends ManifestPluginDescriptorFinder {
        @Override
        protected PluginDescriptor createPluginDescriptor(Manifest manifest) {
            PluginDescriptor descriptor = super.createPluginDescriptor(manifest);
            if (descriptor instanceof SettingsDeclaringDescriptor own) {
                own.settings = ScopedSettings.parseDeclaration(manifest.getMainAttributes().getValue(MANIFEST_ENTRY));
            }
            return descriptor;
        }

        @Override
        protected DefaultPluginDescriptor createPluginDescriptorInstance() {
            return new SettingsDeclaringDescriptor();
        }
    }

    private static final class FromProperties extends PropertiesPluginDescriptorFinder {
        @Override
        protected PluginDescriptor createPluginDescriptor(Properties properties) {
            PluginDescriptor descriptor = super.createPluginDescriptor(properties);
            if (descriptor instanceof SettingsDeclaringDescriptor own) {
                own.settings = ScopedSettings.parseDeclaration(properties.getProperty(PROPERTY));
            }
            return descriptor;
        }

        @Override
        protected DefaultPluginDescriptor createPluginDescriptorInstance() {
            return new SettingsDeclaringDescriptor();
        }
    }
}
