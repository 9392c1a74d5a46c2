package dev.cortana.host.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLException;
import javax.sql.DataSource;
import org.postgresql.Driver;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cortana's PostgreSQL database, whichever it is: the user's own server ({@code DATABASE_URL}, typically
 * Supabase) or, when none is configured, an embedded PostgreSQL that Cortana runs itself with its data in the
 * workspace. Either way the rest of Cortana, plugins included, gets the same thing: a pooled {@link DataSource} on a
 * database that already has Cortana's schema.
 *
 * <p>Why one type for both: the choice is a deployment detail, made once at start-up; everything after it must
 * behave identically, and tests can run the code that production runs against a real PostgreSQL.
 *
 * <p>Start-up fails fast and readably. An unreachable or misconfigured {@code DATABASE_URL} fails within seconds
 * (not a pool's 30 s) with a {@link DatabaseUnavailableException} whose one-line message names
 * {@code DATABASE_URL}, the target without its password, the cause and what to do. The password is never in a
 * message, a log line or the pool's JDBC URL.
 *
 * <pre>{@code
 * try (Database database = Database.open(config.databaseUrl(), config.workspaceDir())) {
 *     log.info("Database: {}", database.description());
 *     ... database.dataSource() ...
 * }
 * }</pre>
 */
public final class Database implements AutoCloseable {

    /** The folder, inside the workspace, of the embedded PostgreSQL's data. */
    public static final String EMBEDDED_DATA_DIRECTORY = ".postgres";

    /** The pool's name, as HikariCP's log lines and thread names show it. */
    public static final String POOL_NAME = "cortana";

    static final int MAX_POOL_SIZE = 5;

    private static final Logger log = LoggerFactory.getLogger(Database.class);
    private static final Driver DRIVER = new Driver();
    private static final String UNSET_ADVICE = "; or unset DATABASE_URL to use the embedded PostgreSQL.";

    /** How long a request waits for a pooled connection before it is told the database is unavailable. */
    static final Duration POOL_WAIT = Duration.ofSeconds(3);
    /** pgjdbc's limits for the pool's connections: connecting, logging in, and a statement's reply. */
    static final int POOL_CONNECT_TIMEOUT_SECONDS = 3;
    static final int POOL_SOCKET_TIMEOUT_SECONDS = 30;

    private final HikariDataSource pool;
    private final EmbeddedPostgresServer server;
    private final String description;
    private final DatabaseAvailability availability = new DatabaseAvailability();
    private final EmbeddedPostgresSupervisor supervisor;
    private final OutageAwareDataSource dataSource;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Database(HikariDataSource pool, EmbeddedPostgresServer server, String description) {
        this.pool = pool;
        this.server = server;
        this.description = description;
        this.supervisor = server == null ? null : new EmbeddedPostgresSupervisor(server, availability);
        this.dataSource = new OutageAwareDataSource(pool, availability, supervisor);
    }

    /**
     * Opens the database: the server {@code databaseUrl} names or, if it is empty (or blank), the embedded
     * PostgreSQL with its data in {@code <workspaceDir>/.postgres}, created at the first start and reused after;
     * then applies the host's migrations ({@link Migrations}).
     *
     * @param databaseUrl  {@code DATABASE_URL}: {@code postgresql://} / {@code postgres://} (as Supabase shows it)
     *                     or {@code jdbc:postgresql://}; see {@link DatabaseUrl}
     * @param workspaceDir the workspace; only used for the embedded PostgreSQL
     * @throws DatabaseUnavailableException if the URL is malformed, its server cannot be reached or refuses the
     *                                      login, or the embedded server cannot start
     */
    public static Database open(Optional<String> databaseUrl, Path workspaceDir) {
        Optional<String> url = databaseUrl.map(String::strip).filter(s -> !s.isEmpty());
        return url.isPresent() ? openExternal(DatabaseUrl.parse(url.get())) : openEmbedded(workspaceDir);
    }

    /**
     * The pool every part of Cortana shares (at most {@value #MAX_POOL_SIZE} connections). While the database cannot
     * be reached, {@code getConnection()} fails within a few seconds (at once for a while after a failure) with a
     * {@link java.sql.SQLTransientConnectionException} saying so; each later request tries again, and an embedded
     * server that died is restarted meanwhile.
     */
    public DataSource dataSource() {
        return dataSource;
    }

    /** Whether the database answers right now, and the sentence replies carry while it does not. */
    public DatabaseAvailability availability() {
        return availability;
    }

    /**
     * Which database this is, for the start-up log and {@code /status}: {@code embedded PostgreSQL 14 (data in
     * /home/me/.cortana/workspace/.postgres)} or {@code DATABASE_URL}'s target without its password, such as
     * {@code postgresql://postgres.abcd@aws-0-eu-central-1.pooler.supabase.com:5432/postgres}.
     */
    public String description() {
        return description;
    }

    /** Whether this is the embedded PostgreSQL (no {@code DATABASE_URL}). */
    public boolean embedded() {
        return server != null;
    }

    /** Closes the pool and, for the embedded PostgreSQL, stops the server cleanly. Idempotent. */
    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        if (supervisor != null) {
            supervisor.close(); // first: stopping the server must not look like a crash
        }
        try {
            pool.close();
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    @Override
    public String toString() {
        return description;
    }

    // ---------------------------------------------------------------------------------------------------------

    private static Database openEmbedded(Path workspaceDir) {
        long started = System.nanoTime();
        EmbeddedPostgresServer server = EmbeddedPostgresServer.startPersistent(
                workspaceDir.resolve(EMBEDDED_DATA_DIRECTORY));
        try {
            String jdbcUrl = server.jdbcUrl("postgres");
            Properties properties = new Properties();
            properties.putAll(DatabaseUrl.driverDefaults());
            properties.setProperty("user", EmbeddedPostgresServer.SUPERUSER);
            if (server.password() != null) {
                properties.setProperty("password", server.password());
            }
            int majorVersion;
            try (Connection connection = connect(jdbcUrl, properties)) {
                majorVersion = connection.getMetaData().getDatabaseMajorVersion();
            }
            HikariDataSource pool = pool(jdbcUrl, EmbeddedPostgresServer.SUPERUSER, server.password());
            try {
                Migrations.applyHost(pool);
            } catch (RuntimeException e) {
                pool.close();
                throw e;
            }
            String description = "embedded PostgreSQL " + majorVersion + " (data in " + server.dataDirectory() + ")";
            log.info("Database ready in {} ms: {}", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
                    description);
            return new Database(pool, server, description);
        } catch (SQLException | RuntimeException e) {
            server.close();
            if (e instanceof DatabaseUnavailableException unavailable) {
                throw unavailable;
            }
            throw new DatabaseUnavailableException("The embedded PostgreSQL (data in " + server.dataDirectory()
                    + ") started but Cortana cannot use it: " + e.getMessage() + ". Set DATABASE_URL to use another "
                    + "PostgreSQL, or report this.", e);
        }
    }

    private static Database openExternal(DatabaseUrl url) {
        long started = System.nanoTime();
        // One direct connection first: its failure says precisely what is wrong, quickly, and without the stack
        // trace a pool logs when its own first connection fails. It then only closes; the pool applies the host's migrations.
        Connection connection;
        try {
            connection = connect(url.jdbcUrl(), url.connectionProperties());
        } catch (SQLException e) {
            throw new DatabaseUnavailableException(connectFailure(url, e), e);
        }
        try {
            connection.close();
        } catch (SQLException e) {
            log.debug("Closing the first connection failed: {}", e.getMessage());
        }
        HikariDataSource pool = pool(url.jdbcUrl(), url.user().orElse(null), url.password().orElse(null));
        try {
            Migrations.applyHost(pool);
        } catch (Migrations.MigrationException e) {
            pool.close();
            throw new DatabaseUnavailableException("The database in DATABASE_URL (" + url.target() + ") refused "
                    + "Cortana's schema: " + url.redact(e.getMessage()) + ". The user needs the right to create "
                    + "tables in schema public" + UNSET_ADVICE, e);
        }
        log.info("Database ready in {} ms: {}", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
                url.target());
        return new Database(pool, null, url.target());
    }

    private static Connection connect(String jdbcUrl, Properties properties) throws SQLException {
        Connection connection = DRIVER.connect(jdbcUrl, properties);
        if (connection == null) {
            throw new SQLException("The PostgreSQL driver does not accept the URL " + jdbcUrl);
        }
        return connection;
    }

    /**
     * The shared pool. The password goes in as a property, never in the URL (HikariCP logs the URL). The pool
     * does not connect while being built ({@code initializationFailTimeout} -1): the connection just made proved
     * the database reachable, and start-up need not wait for a second one.
     */
    private static HikariDataSource pool(String jdbcUrl, String user, String password) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(POOL_NAME);
        config.setDriverClassName(Driver.class.getName());
        config.setJdbcUrl(jdbcUrl);
        if (user != null) {
            config.setUsername(user);
        }
        if (password != null) {
            config.setPassword(password);
        }
        config.setMaximumPoolSize(MAX_POOL_SIZE);
        config.setMinimumIdle(1);
        // Short waits: a database that went away must cost a message a few seconds, not 10 to 20.
        config.setConnectionTimeout(POOL_WAIT.toMillis());
        config.setValidationTimeout(TimeUnit.SECONDS.toMillis(2));
        config.setInitializationFailTimeout(-1);
        DatabaseUrl.driverDefaults().forEach(config::addDataSourceProperty);
        config.addDataSourceProperty("connectTimeout", Integer.toString(POOL_CONNECT_TIMEOUT_SECONDS));
        config.addDataSourceProperty("loginTimeout", Integer.toString(POOL_CONNECT_TIMEOUT_SECONDS));
        // A server that vanished without closing the connection (a dropped network) must not hold a tool forever.
        config.addDataSourceProperty("socketTimeout", Integer.toString(POOL_SOCKET_TIMEOUT_SECONDS));
        return new HikariDataSource(config);
    }

    /**
     * The one-line message for a failed first connection to {@code DATABASE_URL}: the target, the cause as a user
     * would name it, and what to do.
     */
    static String connectFailure(DatabaseUrl url, SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String server = serverMessage(e);
        String hosts = String.join(", ", url.hosts());
        String supabaseIpv6 = url.isSupabaseDirectHost()
                ? ". Supabase's direct host has only an IPv6 address: on a network without IPv6 use the Session "
                + "pooler connection string (Supabase: Connect > Session pooler)"
                : "";
        String cause;
        String advice;
        Throwable network = networkCause(e);
        if (network instanceof UnknownHostException) {
            cause = "unknown host " + hosts;
            advice = "Check the host name (copy the connection string again from your provider)" + supabaseIpv6;
        } else if (network instanceof NoRouteToHostException || network instanceof SocketException
                && String.valueOf(network.getMessage()).toLowerCase(Locale.ROOT).contains("unreachable")) {
            cause = "network unreachable";
            advice = "Check that this machine can reach " + hosts + supabaseIpv6;
        } else if (network instanceof ConnectException) {
            cause = "connection refused";
            advice = "Check the host and port, and that the server is running and accepts TCP connections";
        } else if (network instanceof SocketTimeoutException
                || server.toLowerCase(Locale.ROOT).contains("timed out")) {
            cause = "no answer within " + DatabaseUrl.CONNECT_TIMEOUT_SECONDS + " s";
            advice = "Check the host and port, and that no firewall blocks the connection" + supabaseIpv6;
        } else if (state.equals("28P01")) {
            cause = "authentication failed for user " + url.user().orElse("(none given)");
            advice = "Check the user name and password (in the URL, write the password's special characters "
                    + "percent-encoded: @ as %40, : as %3A, / as %2F, # as %23, % as %25)";
        } else if (server.contains("Tenant or user not found")) {
            cause = "the pooler knows no such project or user (Tenant or user not found)";
            advice = "Check the user name: for Supabase's pooler it is postgres.YOUR-PROJECT-REF";
        } else if (state.startsWith("28")) {
            cause = "the server refused the login (" + server + ")";
            advice = "Check the user name and database, and the server's access rules";
        } else if (state.equals("3D000")) {
            cause = "the database does not exist (" + server + ")";
            advice = "Check the database name after the last / in the URL";
        } else if (state.equals("53300")) {
            cause = "the server has too many connections (" + server + ")";
            advice = "Close other clients, or use your provider's connection pooler";
        } else if (network instanceof SSLException || server.contains("SSL")) {
            cause = "the secure connection failed (" + server + ")";
            advice = "Check sslmode in the URL: sslmode=require for Supabase, sslmode=disable for a local server "
                    + "without TLS";
        } else {
            cause = server;
            advice = "Check " + DatabaseUrl.VARIABLE;
        }
        return url.redact("Cannot connect to the database in " + DatabaseUrl.VARIABLE + " (" + url.target() + "): "
                + cause + ". " + advice + UNSET_ADVICE);
    }

    private static Throwable networkCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof UnknownHostException || t instanceof SocketException
                    || t instanceof SocketTimeoutException || t instanceof SSLException) {
                return t;
            }
        }
        return null;
    }

    /** The server's own error text when there is one (pgjdbc prefixes it with severity and adds details). */
    private static String serverMessage(SQLException e) {
        if (e instanceof PSQLException psql) {
            ServerErrorMessage server = psql.getServerErrorMessage();
            if (server != null && server.getMessage() != null) {
                return server.getMessage();
            }
        }
        String message = e.getMessage();
        return message == null ? e.getClass().getSimpleName() : message.strip();
    }

    /** For tests: the pool's configuration as HikariCP would log it must not hold the password. */
    Map<String, String> poolSettingsForTest() {
        return Map.of("jdbcUrl", pool.getJdbcUrl(), "poolName", pool.getPoolName(),
                "maximumPoolSize", Integer.toString(pool.getMaximumPoolSize()));
    }
}
