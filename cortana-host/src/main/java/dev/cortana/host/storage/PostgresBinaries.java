package dev.cortana.host.storage;

import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Which of zonky's PostgreSQL binaries this machine needs, and whether this build carries them. Each build carries
 * its own platform's only (a Maven profile per platform in {@code cortana-host/pom.xml}: Linux x86-64 and arm64,
 * macOS Intel and Apple silicon), so a jar built on one platform and run on another has none; zonky then fails with a
 * message about Maven dependencies, this class says it in Cortana's words before zonky is asked.
 *
 * <p>zonky picks the archive {@code postgres-<system>-<arch>.txz} on the class path by {@code os.name} and
 * {@code os.arch}; {@link #forPlatform} names the same archive and the Maven artifact that holds it.
 *
 * @param platform  zonky's artifact suffix: {@code linux-amd64}, {@code linux-arm64v8}, {@code darwin-amd64},
 *                  {@code darwin-arm64v8}, {@code windows-amd64}
 * @param resource  the archive zonky looks for, e.g. {@code postgres-linux-arm_64.txz}
 */
public record PostgresBinaries(String platform, String resource) {

    /** The binaries for {@code osName} / {@code osArch} (the JVM's {@code os.name} and {@code os.arch}), if zonky has any. */
    public static Optional<PostgresBinaries> forPlatform(String osName, String osArch) {
        String os = osName.toLowerCase(Locale.ROOT);
        String system = os.startsWith("linux") ? "linux" : os.startsWith("mac") || os.startsWith("darwin") ? "darwin"
                : os.startsWith("windows") ? "windows" : null;
        String arch = switch (osArch.toLowerCase(Locale.ROOT)) {
            case "amd64", "x86_64", "x64" -> "x86_64";
            case "aarch64", "arm64" -> "arm_64";
            default -> null;
        };
        if (system == null || arch == null || (system.equals("windows") && arch.equals("arm_64"))) {
            return Optional.empty();
        }
        String platform = system + "-" + (arch.equals("x86_64") ? "amd64" : "arm64v8");
        return Optional.of(new PostgresBinaries(platform, "postgres-" + system + "-" + arch + ".txz"));
    }

    /** This JVM's platform. */
    public static Optional<PostgresBinaries> here() {
        return forPlatform(System.getProperty("os.name", ""), System.getProperty("os.arch", ""));
    }

    /**
     * Empty when the binaries for {@code osName}/{@code osArch} are on the class path ({@code present} tells whether
     * a resource is); otherwise the sentence saying what to do instead.
     */
    public static Optional<String> problem(String osName, String osArch, Predicate<String> present) {
        Optional<PostgresBinaries> needed = forPlatform(osName, osArch);
        if (needed.isEmpty()) {
            return Optional.of("The embedded PostgreSQL has no binaries for " + osName + " on " + osArch
                    + ": set DATABASE_URL to a PostgreSQL server.");
        }
        if (present.test(needed.get().resource())) {
            return Optional.empty();
        }
        return Optional.of("This Cortana build carries no embedded PostgreSQL for " + needed.get().platform()
                + " (this machine): build it on this machine (mvn -B -q -DskipTests package picks the platform's "
                + "binaries), or set DATABASE_URL to a PostgreSQL server.");
    }

    /** {@link #problem(String, String, Predicate)} for this JVM and its class path. */
    static Optional<String> problemHere() {
        ClassLoader loader = PostgresBinaries.class.getClassLoader();
        return problem(System.getProperty("os.name", ""), System.getProperty("os.arch", ""),
                resource -> loader.getResource(resource) != null);
    }
}
