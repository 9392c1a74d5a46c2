package dev.cortana.host.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which embedded PostgreSQL a machine needs (as zonky picks it by os.name/os.arch), and what a build without it says. */
class PostgresBinariesTest {

    @ParameterizedTest
    @CsvSource({
            "Linux, amd64, linux-amd64, postgres-linux-x86_64.txz",
            "Linux, aarch64, linux-arm64v8, postgres-linux-arm_64.txz",
            "Mac OS X, x86_64, darwin-amd64, postgres-darwin-x86_64.txz",
            "Mac OS X, aarch64, darwin-arm64v8, postgres-darwin-arm_64.txz",
            "Windows 11, amd64, windows-amd64, postgres-windows-x86_64.txz"})
    void eachPlatformNeedsItsOwnArchive(String osName, String osArch, String platform, String resource) {
        assertThat(PostgresBinaries.forPlatform(osName, osArch)).contains(new PostgresBinaries(platform, resource));
    }

    @Test
    void aBuildCarryingTheMachinesBinariesHasNoProblem() {
        Set<String> onClassPath = Set.of("postgres-linux-arm_64.txz");

        assertThat(PostgresBinaries.problem("Linux", "aarch64", onClassPath::contains)).isEmpty();
    }

    @Test
    void aJarBuiltForAnotherPlatformSaysWhatToDoInsteadOfZonkysMavenAdvice() {
        Set<String> onClassPath = Set.of("postgres-linux-x86_64.txz"); // built on Linux x86-64, run on Apple silicon

        assertThat(PostgresBinaries.problem("Mac OS X", "aarch64", onClassPath::contains)).contains(
                "This Cortana build carries no embedded PostgreSQL for darwin-arm64v8 (this machine): build it on this "
                        + "machine (mvn -B -q -DskipTests package picks the platform's binaries), or set DATABASE_URL "
                        + "to a PostgreSQL server.");
    }

    @Test
    void aPlatformZonkyHasNoBinariesForAtAllNeedsDatabaseUrl() {
        assertThat(PostgresBinaries.problem("FreeBSD", "amd64", resource -> true)).contains(
                "The embedded PostgreSQL has no binaries for FreeBSD on amd64: set DATABASE_URL to a PostgreSQL server.");
        assertThat(PostgresBinaries.problem("Linux", "ppc64le", resource -> true)).isPresent();
    }

    @Test
    void thisMachinesBuildCarriesItsOwnBinaries() {
        assertThat(PostgresBinaries.problemHere()).as("the os-activated Maven profile added this platform's binaries")
                .isEmpty();
    }
}
