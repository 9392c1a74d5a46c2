package dev.cortana.host.plugins;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code /plugins} says when a plugin's {@code Plugin-Requires} shuts it out: the expression, this Cortana's
 * version and which way to go. The rules themselves are PF4J's (java-semver expressions such as {@code ^0.1.0} or
 * {@code >=0.1.0 & <0.2.0}; a bare {@code 0.1.0} means {@code >=0.1.0}); docs/plugin-api-changes.md explains them to
 * authors.
 */
final class PluginRequires {

    /** Where the log line sends the plugin's author. */
    static final String RULES = "Plugin-Requires rules: docs/plugin-api-changes.md";

    private static final Pattern RELEASE = Pattern.compile("^(\\d+)\\.(\\d+)\\.(\\d+)");

    private PluginRequires() {
    }

    /**
     * Why a plugin requiring {@code effective} does not run on {@code hostVersion}, with the fix: a newer Cortana when
     * only later versions satisfy the expression, a newer build of the plugin when only earlier ones do.
     *
     * @param accepts whether a version satisfies the plugin's expression
     * @param order   SemVer order of two versions
     */
    static String unmet(String effective, String hostVersion, Predicate<String> accepts, Comparator<String> order) {
        boolean laterAccepted = false;
        boolean earlierAccepted = false;
        for (String probe : probesAround(hostVersion)) {
            if (accepts.test(probe)) {
                int sign = order.compare(probe, hostVersion);
                laterAccepted |= sign > 0;
                earlierAccepted |= sign < 0;
            }
        }
        String unmet = "requires Cortana " + effective + ", this is " + hostVersion;
        if (laterAccepted && !earlierAccepted) {
            return unmet + ": update Cortana to a version it accepts, or use an older build of the plugin";
        }
        if (earlierAccepted && !laterAccepted) {
            return unmet + " (it was built for an older Cortana): use a version of the plugin made for Cortana "
                    + hostVersion;
        }
        return unmet + ": use a version of the plugin made for Cortana " + hostVersion;
    }

    /** Why a plugin whose {@code Plugin-Requires} is not an expression PF4J can read does not run, with the fix. */
    static String malformed(String requires, String hostVersion) {
        return "invalid Plugin-Requires '" + requires + "' (not a SemVer expression; join conditions with ' & ', "
                + "not a space or a comma): ask the plugin's author for a build with Plugin-Requires: "
                + suggestedFor(hostVersion);
    }

    /** {@code ^x.y.0}: what a plugin built against this Cortana's API should require. */
    private static String suggestedFor(String hostVersion) {
        Matcher release = RELEASE.matcher(hostVersion);
        return release.find() ? "^" + release.group(1) + "." + release.group(2) + ".0" : "^0.1.0";
    }

    /**
     * Versions on both sides of {@code hostVersion}, enough to tell whether an expression wants a later or an earlier
     * Cortana: every major and minor up to two past the host's (and one far off), each at patch 0, the host's patch
     * plus one, and a high patch.
     */
    private static List<String> probesAround(String hostVersion) {
        Matcher release = RELEASE.matcher(hostVersion);
        if (!release.find()) {
            return List.of();
        }
        int major = Integer.parseInt(release.group(1));
        int minor = Integer.parseInt(release.group(2));
        int patch = Integer.parseInt(release.group(3));
        List<Integer> majors = upTo(major + 2);
        List<Integer> minors = upTo(Math.max(minor, 9) + 2);
        List<Integer> patches = List.of(0, patch + 1, 999);
        List<String> probes = new ArrayList<>();
        for (int x : majors) {
            for (int y : minors) {
                for (int z : patches) {
                    probes.add(x + "." + y + "." + z);
                }
            }
        }
        return probes;
    }

    private static List<Integer> upTo(int last) {
        List<Integer> values = new ArrayList<>();
        for (int i = 0; i <= last; i++) {
            values.add(i);
        }
        values.add(999);
        return values;
    }
}
