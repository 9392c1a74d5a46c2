package dev.cortana.host.storage;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL server run by Cortana itself, so that a user without a database server still gets a real
 * PostgreSQL, the same SQL the plugins run on Supabase. It wraps zonky's {@link EmbeddedPostgres} (PostgreSQL
 * binaries shipped in a jar, unpacked to a temporary folder) and adds what a long-lived, persistent server needs
 * and zonky, being made for tests, does not do:
 *
 * <ul>
 *   <li><b>Surviving a killed run.</b> The server is a separate process: when Cortana's JVM is killed with
 *       SIGKILL (or crashes) the server goes on running on the data directory, and zonky's next start would
 *       wait for a server that can never start there. {@link #startPersistent(Path)} stops such a leftover
 *       server (one whose working directory is this data directory) with a fast shutdown, and removes a
 *       {@code postmaster.pid} whose process is gone or is something else (PIDs are reused, notably in
 *       containers). An {@code initdb} that was interrupted (the server never ran on the directory, so it holds
 *       no data) is moved aside, not deleted, and done again. Data is never deleted.</li>
 *   <li><b>Refusing a second user.</b> If another process (another Cortana on the same workspace) holds the
 *       data directory's lock, starting fails with a clear message instead of stopping that process's server.</li>
 *   <li><b>Durability.</b> zonky runs PostgreSQL with {@code fsync} and {@code synchronous_commit} off, fine
 *       for tests but able to lose or corrupt data on a power loss; the persistent server turns both on.</li>
 *   <li><b>Access.</b> zonky lets anyone on the machine log in without a password; this server listens on
 *       127.0.0.1 only, has no Unix socket, and requires the superuser's password (SCRAM), generated at
 *       {@code initdb} and kept in the data directory (mode 700) in {@value #PASSWORD_FILE}. A superuser
 *       login would otherwise let any local user run programs as the user running Cortana.</li>
 *   <li><b>Coming back after a crash.</b> {@link #running()} says cheaply whether the postmaster is alive, and
 *       {@link #restart()} starts a killed server again on the same port and data directory (after its orphaned
 *       backends exit), so the pool's URL stays valid; {@code Database} has a supervisor call it.</li>
 *   <li><b>A predictable locale.</b> {@code initdb} uses {@code C.UTF-8} (byte-order sorting, but Unicode-aware
 *       {@code upper}/{@code lower}/{@code ILIKE}, as on Supabase), or {@code C} where the system lacks it, rather
 *       than whatever the environment happened to say at the first start.</li>
 * </ul>
 *
 * <p>Start-up cost, measured on the reference machine (2 shared cores): the first start, with {@code initdb}, 2 to
 * 3 s; later starts 0.5 to 1 s. Unpacking the binaries adds 3 to 4 s once per machine (again whenever the temporary
 * folder has been emptied, e.g. at a reboot with {@code /tmp} in memory).
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

    /** The superuser the server is initialised with. */
    public static final String SUPERUSER = "postgres";

    /** Where, inside the data directory, the superuser's generated password is kept. */
    public static final String PASSWORD_FILE = "cortana-superuser-password";

    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresServer.class);

    private static final String HOST = "127.0.0.1";
    private static final Duration STARTUP_WAIT = Duration.ofSeconds(20);
    /** How long a restart waits for the backends of a killed postmaster to notice and exit (they do in milliseconds). */
    private static final Duration RESTART_BACKENDS_WAIT = Duration.ofSeconds(5);
    private static final String HBA_CONF = """
            # Written by Cortana at every start of its embedded PostgreSQL: edits here are replaced.
            # Connections only from this machine, and always with the password (SCRAM).
            # TYPE  DATABASE  USER  ADDRESS       METHOD
            local   all       all                 scram-sha-256
            host    all       all   127.0.0.1/32  scram-sha-256
            host    all       all   ::1/128       scram-sha-256
            """;

    /** Guarded by {@code this}: replaced by {@link #restart()}. */
    private EmbeddedPostgres postgres;
    /** The running postmaster, as its {@code postmaster.pid} names it; null if that could not be read. */
    private volatile ProcessHandle postmaster;
    private final int port;
    private final Path dataDirectory;
    private final String password;
    private final boolean persistent;
    private final Thread shutdownHook;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedPostgresServer(EmbeddedPostgres postgres, Path dataDirectory, String password, boolean persistent) {
        this.postgres = postgres;
        this.port = postgres.getPort();
        this.dataDirectory = dataDirectory;
        this.password = password;
        this.persistent = persistent;
        this.postmaster = PostgresDataDirectory.readPostmaster(dataDirectory).orElse(null);
        this.shutdownHook = new Thread(this::stop, "cortana-postgres-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Begins zonky's platform detection on a daemon thread. The first server start of a process waits for it, and as
     * root it runs three small processes (zonky's Linux distribution script, then {@code unshare -U id} twice, to run
     * PostgreSQL in a user namespace), 0.1-0.2 s; begun first thing in {@code main}, it overlaps with reading the
     * settings and opening the log. A failure here is ignored: the server's start meets it again and says so.
     */
    public static void detectPlatformEarly() {
        Thread detection = new Thread(() -> {
            try {
                io.zonky.test.db.postgres.util.LinuxUtils.getDistributionName();
            } catch (RuntimeException | LinkageError e) {
                // reported by the start, which needs it
            }
        }, "cortana-postgres-platform");
        detection.setDaemon(true);
        detection.start();
    }

    /**
     * Starts (after the first time: restarts) the server whose data lives in {@code dataDirectory}, created with
     * {@code initdb} when the directory is missing or empty, and kept when the server stops.
     *
     * @throws DatabaseUnavailableException if the server cannot start: the data directory is in use by another
     *                                      process, or PostgreSQL fails; the message says which and what to do
     */
    public static EmbeddedPostgresServer startPersistent(Path dataDirectory) {
        Path data = dataDirectory.toAbsolutePath().normalize();
        try {
            Files.createDirectories(data.getParent());
            PostgresDataDirectory.recoverFromEarlierRun(data);
        } catch (IOException e) {
            throw new DatabaseUnavailableException("Cannot prepare the embedded PostgreSQL's data directory " + data
                    + ": " + e + ". Check that the workspace folder is writable, or set DATABASE_URL to use another "
                    + "PostgreSQL.", e);
        }
        return start(data, true);
    }

    /**
     * Starts a server in a new temporary directory, with durability off for speed; {@link #close()} deletes the
     * directory. For tests and other throwaway use.
     */
    public static EmbeddedPostgresServer startThrowaway() {
        Path data;
        try {
            data = Files.createTempDirectory("cortana-pg-").toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a temporary directory for PostgreSQL", e);
        }
        return start(data, false);
    }

    /**
     * The TCP port the server listens on, on {@code 127.0.0.1}; chosen at random when the server is started, and kept
     * by {@link #restart()} so URLs and pools stay valid.
     */
    public int port() {
        return port;
    }

    /**
     * Whether the server's postmaster process is alive. Cheap (a look at one process), so it can be asked often; false
     * once the server was stopped or killed ({@code kill -9}), until {@link #restart()}.
     */
    public boolean running() {
        ProcessHandle process = postmaster;
        return !closed.get() && process != null && PostgresDataDirectory.running(process);
    }

    /** The postmaster's process id, if known. */
    public Optional<Long> postmasterPid() {
        return Optional.ofNullable(postmaster).map(ProcessHandle::pid);
    }

    /**
     * Starts the server again after its postmaster died, on the same port and data directory (so the pool's URL stays
     * valid); the data is what PostgreSQL recovers from its write-ahead log, i.e. everything committed. Waits first
     * for the dead server's backend processes to exit, as PostgreSQL's own interlock would. Does nothing if the server
     * is running.
     *
     * @throws DatabaseUnavailableException if it does not start (the caller tries again later)
     * @throws IllegalStateException        if the server was closed
     */
    public synchronized void restart() {
        if (closed.get()) {
            throw new IllegalStateException("The embedded PostgreSQL was closed");
        }
        if (running()) {
            return;
        }
        ProcessHandle dead = postmaster;
        try {
            PostgresDataDirectory.awaitBackendsGone(dataDirectory, RESTART_BACKENDS_WAIT);
            if (dead != null) {
                // Its pid is gone, and could be reused: zonky's pg_ctl stop must not signal whatever has it now.
                Files.deleteIfExists(dataDirectory.resolve(PostgresDataDirectory.PID_FILE));
            }
            closeQuietly(postgres); // releases zonky's lock on the data directory; its pg_ctl stop has nothing to stop
            // A zonky start that failed keeps its lock, unreachable, until garbage collection: a new lock file (a new
            // inode) does not collide with it. This JVM owned the directory, so no other process is locked out.
            Files.deleteIfExists(dataDirectory.resolve(PostgresDataDirectory.LOCK_FILE));
            PostgresDataDirectory.recoverFromEarlierRun(dataDirectory);
            postgres = startZonky(dataDirectory, persistent, false, "C.UTF-8", password, port);
            postmaster = PostgresDataDirectory.readPostmaster(dataDirectory).orElse(null);
        } catch (IOException | RuntimeException e) {
            if (e instanceof DatabaseUnavailableException unavailable) {
                throw unavailable;
            }
            throw new DatabaseUnavailableException("The embedded PostgreSQL (data in " + dataDirectory + ") did not "
                    + "start again: " + message(e), e);
        }
    }

    /** {@code 127.0.0.1}: the only address the server listens on. */
    public String host() {
        return HOST;
    }

    /**
     * The superuser's password, to log in as {@link #SUPERUSER}; {@code null} only for a data directory initialised
     * without one (by something other than this class), which then keeps password-less access.
     */
    public String password() {
        return password;
    }

    /** The data directory (absolute). */
    public Path dataDirectory() {
        return dataDirectory;
    }

    /** A JDBC URL of one of the server's databases, without credentials: pass user and password as properties. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + HOST + ":" + port() + "/" + database;
    }

    /**
     * Stops the server with a fast shutdown (open transactions are rolled back, committed data is kept) and, for a
     * throwaway server, deletes its data. Idempotent; also run by a shutdown hook if the JVM exits first.
     */
    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook is running or will run: stop() is idempotent
        }
        stop();
    }

    private synchronized void stop() {
        if (closed.getAndSet(true)) {
            return;
        }
        if (!running()) {
            closeQuietly(postgres); // killed: there is nothing to shut down, only zonky's lock to release
            return;
        }
        try {
            postgres.close();
        } catch (IOException | RuntimeException e) {
            log.warn("Could not stop the embedded PostgreSQL in {} cleanly: {}", dataDirectory, e.toString());
        }
    }

    @Override
    public String toString() {
        return "embedded PostgreSQL on " + HOST + ":" + port() + " (data in " + dataDirectory + ")"
                + (persistent ? "" : ", throwaway");
    }

    // ---------------------------------------------------------------------------------------------------------
    // Starting

    private static EmbeddedPostgresServer start(Path data, boolean persistent) {
        PostgresBinaries.problemHere().ifPresent(problem -> { // this build carries another platform's binaries only
            throw new DatabaseUnavailableException(problem);
        });
        boolean initialise = !Files.exists(data.resolve("postgresql.conf"));
        String password = initialise ? newPassword() : readPassword(data).orElse(null);
        if (password == null) {
            log.warn("The embedded PostgreSQL in {} has no {}: it keeps its old password-less access", data,
                    PASSWORD_FILE);
        }
        // C.UTF-8 is missing on a few (older) systems: initdb then fails before writing anything, so try C.
        List<String> locales = initialise ? List.of("C.UTF-8", "C") : List.of("C.UTF-8");
        RuntimeException failure = null;
        for (String locale : locales) {
            try {
                EmbeddedPostgres postgres = startZonky(data, persistent, initialise, locale, password, freePort());
                return new EmbeddedPostgresServer(postgres, data, password, persistent);
            } catch (IOException | RuntimeException | ExceptionInInitializerError e) {
                RuntimeException wrapped = new DatabaseUnavailableException("The embedded PostgreSQL (data in " + data
                        + ") did not start: " + message(e) + ". The lines logged above by PostgreSQL say why; or "
                        + "set DATABASE_URL to use another PostgreSQL.", e);
                if (failure == null) {
                    failure = wrapped;
                } else {
                    failure.addSuppressed(e);
                }
                if (!initialise || !PostgresDataDirectory.isEmpty(data)) {
                    break;
                }
                log.info("initdb with locale {} failed; trying the next locale", locale);
            }
        }
        throw failure;
    }

    private static EmbeddedPostgres startZonky(Path data, boolean persistent, boolean initialise, String locale,
                                               String password, int port) throws IOException {
        Path passwordFile = null;
        try {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setDataDirectory(data.toFile())
                    .setCleanDataDirectory(!persistent)
                    .setRegisterShutdownHook(false) // ours stops the server; zonky's would run concurrently
                    .setPort(port)
                    .setPGStartupWait(STARTUP_WAIT)
                    .setServerConfig("listen_addresses", HOST)
                    .setServerConfig("unix_socket_directories", "''")
                    .setServerConfig("max_connections", persistent ? "50" : "200");
            if (persistent) {
                // zonky passes -F (fsync off) and synchronous_commit=off; these come later on the command line
                builder.setServerConfig("fsync", "on").setServerConfig("synchronous_commit", "on");
            }
            if (initialise) {
                // zonky passes each locale setting to initdb as --key=value: the way to give initdb more options
                builder.setLocaleConfig("locale", locale);
                if (password != null) {
                    passwordFile = Files.createTempFile("cortana-pg-", ".pw",
                            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                    Files.writeString(passwordFile, password + "\n");
                    builder.setLocaleConfig("pwfile", passwordFile.toString());
                }
            }
            if (password != null) {
                builder.setConnectConfig("password", password); // zonky's readiness check logs in
                builder.setDataDirectoryCustomizer(dir -> harden(dir.toPath(), password));
            }
            long started = System.nanoTime();
            EmbeddedPostgres postgres = builder.start();
            log.info("Embedded PostgreSQL {} in {} ms on {}:{} (data in {})", initialise ? "initialised and started"
                            : "started", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), HOST,
                    postgres.getPort(), data);
            return postgres;
        } finally {
            if (passwordFile != null) {
                Files.deleteIfExists(passwordFile);
            }
        }
    }

    /** Run after initdb, before each start: keeps the password and makes sure logins need it. */
    private static void harden(Path data, String password) {
        try {
            Path file = data.resolve(PASSWORD_FILE);
            if (!Files.exists(file)) {
                Files.writeString(file, password + "\n", StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            }
            Path hba = data.resolve("pg_hba.conf");
            if (!Files.exists(hba) || !Files.readString(hba).equals(HBA_CONF)) {
                Files.writeString(hba, HBA_CONF);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the embedded PostgreSQL's access settings in " + data, e);
        }
    }

    private static Optional<String> readPassword(Path data) {
        try {
            return Optional.of(Files.readString(data.resolve(PASSWORD_FILE)).strip()).filter(s -> !s.isEmpty());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + data.resolve(PASSWORD_FILE), e);
        }
    }

    private static String newPassword() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        }
    }


    /**
     * Closes a zonky instance whose server is already gone: that releases its lock on the data directory. zonky's
     * {@code pg_ctl stop} then fails, and zonky logs that as an error with a stack trace, which says nothing here.
     */
    private static void closeQuietly(EmbeddedPostgres dead) {
        org.slf4j.Logger zonky = LoggerFactory.getLogger(EmbeddedPostgres.class);
        ch.qos.logback.classic.Logger quiet = zonky instanceof ch.qos.logback.classic.Logger l ? l : null;
        ch.qos.logback.classic.Level level = quiet == null ? null : quiet.getLevel();
        if (quiet != null) {
            quiet.setLevel(ch.qos.logback.classic.Level.OFF);
        }
        try {
            dead.close();
        } catch (IOException | RuntimeException e) {
            log.debug("Releasing the stopped embedded PostgreSQL: {}", e.toString());
        } finally {
            if (quiet != null) {
                quiet.setLevel(level);
            }
        }
    }


    private static String message(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }
}
