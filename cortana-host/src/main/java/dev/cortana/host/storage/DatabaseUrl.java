package dev.cortana.host.storage;

import java.io.ByteArrayOutputStream;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;
import org.postgresql.Driver;

/**
 * {@code DATABASE_URL} understood the way users write it, and turned into what the JDBC driver needs, with the
 * password kept <em>out</em> of every string.
 *
 * <p>Why not hand the URL to the driver: the form users have is libpq's ({@code postgresql://} or
 * {@code postgres://}, what Supabase, Neon, Heroku or {@code psql} show), which pgjdbc does not read, and its
 * password travels inside the URL, which HikariCP and error messages print. So the URL is split into a password-free
 * JDBC URL, a user, and a password passed as a connection property.
 *
 * <p>Accepted forms:
 * <ul>
 *   <li>{@code postgresql://USER:PASSWORD@HOST:PORT/DATABASE?sslmode=require} and the same with
 *       {@code postgres://}. User and password are percent-decoded ({@code %40} is {@code @}; a {@code +} stays a
 *       {@code +}, as in libpq). A password pasted without encoding still works when it contains {@code @},
 *       {@code :}, {@code /} or {@code ?}: the host starts after the <em>last</em> {@code @} (so an {@code @} in a
 *       query parameter must be written {@code %40}). The port defaults to 5432; several {@code host:port} pairs
 *       may be given, comma-separated. Query parameters are kept; {@code connect_timeout} and
 *       {@code application_name} are renamed to pgjdbc's {@code connectTimeout} and {@code ApplicationName}, and
 *       {@code user}/{@code password} parameters are taken like the user info. For Supabase's transaction pooler
 *       (port 6543 on {@code *.pooler.supabase.com}), which cannot keep server-side prepared statements,
 *       {@code prepareThreshold=0} is added unless given.</li>
 *   <li>{@code jdbc:postgresql://...} passed through as it is, except for a {@code password} parameter, which is
 *       moved to the connection properties.</li>
 * </ul>
 *
 * <p>{@link #toString()} and {@link #target()} never contain the password.
 */
public final class DatabaseUrl {

    /** The name of the setting, as messages show it. */
    public static final String VARIABLE = "DATABASE_URL";

    static final int DEFAULT_PORT = 5432;
    /** pgjdbc's TCP connect timeout, seconds, unless the URL sets one: an unreachable host fails fast. */
    static final int CONNECT_TIMEOUT_SECONDS = 5;
    /** pgjdbc's whole-login timeout, seconds (connect, TLS, authentication). */
    static final int LOGIN_TIMEOUT_SECONDS = 10;

    private static final String EXPECTED = "expected postgresql://USER:PASSWORD@HOST:PORT/DATABASE (in Supabase: "
            + "Connect > Connection string > URI), postgres://... or jdbc:postgresql://...; or leave DATABASE_URL "
            + "unset to use the embedded PostgreSQL";
    private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9._%~!$&'()*+;=-]+");
    private static final Pattern SUPABASE_DIRECT = Pattern.compile("db\\.[a-z0-9]+\\.supabase\\.co",
            Pattern.CASE_INSENSITIVE);

    private final String jdbcUrl;
    private final String target;
    private final String user;
    private final String password;
    private final List<String> hosts;

    private DatabaseUrl(String jdbcUrl, String target, String user, String password, List<String> hosts) {
        this.jdbcUrl = jdbcUrl;
        this.target = target;
        this.user = user;
        this.password = password;
        this.hosts = List.copyOf(hosts);
    }

    /**
     * Reads a {@code DATABASE_URL} value (surrounding blanks ignored).
     *
     * @throws DatabaseUnavailableException if it is not one of the accepted forms; the message says what is wrong
     *                                      and what is expected, and quotes nothing that could be the password
     */
    public static DatabaseUrl parse(String url) {
        String value = url == null ? "" : url.strip();
        String lower = value.toLowerCase(Locale.ROOT);
        if (lower.startsWith("jdbc:postgresql:")) {
            return parseJdbc(value);
        }
        if (lower.startsWith("postgresql://")) {
            return parseUri(value.substring("postgresql://".length()));
        }
        if (lower.startsWith("postgres://")) {
            return parseUri(value.substring("postgres://".length()));
        }
        if (value.isEmpty()) {
            throw malformed("it is empty");
        }
        throw malformed("it does not start with postgresql://, postgres:// or jdbc:postgresql://");
    }

    /** The JDBC URL to connect with; it never contains the password. */
    public String jdbcUrl() {
        return jdbcUrl;
    }

    /**
     * What the URL points at, for messages and logs: scheme, user, host(s), port(s) and database, without the
     * password and without query parameters, e.g. {@code postgresql://cortana@db.example.com:5432/postgres}.
     */
    public String target() {
        return target;
    }

    /** The user to log in as, if the URL names one. */
    public Optional<String> user() {
        return Optional.ofNullable(user);
    }

    /** The password, if the URL has one. Kept package-private: only the connection code may see it. */
    Optional<String> password() {
        return Optional.ofNullable(password);
    }

    /** The host names (or addresses) the URL names, in order; empty for {@code jdbc:postgresql:db}. */
    List<String> hosts() {
        return hosts;
    }

    /** Whether a host is Supabase's direct-connection host, which has only an IPv6 address. */
    boolean isSupabaseDirectHost() {
        return hosts.stream().anyMatch(h -> SUPABASE_DIRECT.matcher(h).matches());
    }

    /**
     * The driver properties to connect with: user and password (if the URL has them) and fail-fast timeouts.
     * Parameters in the JDBC URL take precedence over these in pgjdbc, so a URL's own {@code connectTimeout} wins.
     */
    Properties connectionProperties() {
        Properties properties = new Properties();
        properties.putAll(driverDefaults());
        if (user != null) {
            properties.setProperty("user", user);
        }
        if (password != null) {
            properties.setProperty("password", password);
        }
        return properties;
    }

    /** The properties every Cortana connection gets, embedded or not (no credentials). */
    static Map<String, String> driverDefaults() {
        Map<String, String> defaults = new LinkedHashMap<>();
        defaults.put("connectTimeout", Integer.toString(CONNECT_TIMEOUT_SECONDS));
        defaults.put("loginTimeout", Integer.toString(LOGIN_TIMEOUT_SECONDS));
        defaults.put("tcpKeepAlive", "true");
        defaults.put("ApplicationName", "cortana");
        return defaults;
    }

    /** Replaces the password wherever it appears in {@code text}: a last guard for messages and logs. */
    String redact(String text) {
        if (text == null || password == null || password.length() < 3) {
            return text;
        }
        String redacted = text.replace(password, "***");
        String encoded = percentEncode(password);
        return encoded.equals(password) ? redacted : redacted.replace(encoded, "***");
    }

    /** The password-free {@link #target()}. */
    @Override
    public String toString() {
        return target;
    }

    // ---------------------------------------------------------------------------------------------------------

    private static DatabaseUrl parseUri(String rest) {
        int at = rest.lastIndexOf('@');
        String userInfo = at >= 0 ? rest.substring(0, at) : null;
        String afterUserInfo = rest.substring(at + 1);
        int authorityEnd = indexOfAny(afterUserInfo, "/?");
        String authority = afterUserInfo.substring(0, authorityEnd);
        String pathAndQuery = afterUserInfo.substring(authorityEnd);

        String user = null;
        String password = null;
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            user = percentDecode(colon >= 0 ? userInfo.substring(0, colon) : userInfo);
            password = colon >= 0 ? percentDecode(userInfo.substring(colon + 1)) : null;
        }

        List<String> hosts = new ArrayList<>();
        List<String> hostPorts = new ArrayList<>();
        if (authority.isEmpty()) {
            throw malformed(userInfo == null ? "it names no host" : "it names no host after the @");
        }
        for (String hostPort : authority.split(",", -1)) {
            String host;
            String port;
            if (hostPort.startsWith("[")) {
                int close = hostPort.indexOf(']');
                if (close < 0) {
                    throw malformed("an IPv6 address lacks its closing ]");
                }
                host = hostPort.substring(1, close);
                String after = hostPort.substring(close + 1);
                if (!after.isEmpty() && !after.startsWith(":")) {
                    throw malformed("an IPv6 address is followed by something other than :PORT");
                }
                port = after.isEmpty() ? "" : after.substring(1);
                if (host.isEmpty() || !host.matches("[0-9A-Fa-f:.%a-zA-Z]+")) {
                    throw malformed("an IPv6 address between [ ] is not valid");
                }
                hostPorts.add("[" + host + "]:" + checkPort(port));
            } else {
                int colon = hostPort.indexOf(':');
                host = colon >= 0 ? hostPort.substring(0, colon) : hostPort;
                port = colon >= 0 ? hostPort.substring(colon + 1) : "";
                if (host.isEmpty()) {
                    throw malformed("a host name is missing");
                }
                if (!HOST_NAME.matcher(host).matches()) {
                    throw malformed("the host name contains characters a host name cannot have");
                }
                hostPorts.add(host + ":" + checkPort(port));
            }
            hosts.add(host);
        }

        String path = pathAndQuery;
        String query = "";
        int question = pathAndQuery.indexOf('?');
        if (question >= 0) {
            path = pathAndQuery.substring(0, question);
            query = pathAndQuery.substring(question + 1);
        }
        String database = path.startsWith("/") ? path.substring(1) : path;
        if (database.chars().anyMatch(Character::isWhitespace)) {
            throw malformed("the database name contains a space (write it as %20)");
        }

        Map<String, String> parameters = new LinkedHashMap<>();
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String key = percentDecode(equals >= 0 ? pair.substring(0, equals) : pair);
            String value = percentDecode(equals >= 0 ? pair.substring(equals + 1) : "");
            switch (key) {
                case "user" -> user = user == null || user.isEmpty() ? value : user;
                case "password" -> password = password == null || password.isEmpty() ? value : password;
                case "connect_timeout" -> parameters.put("connectTimeout", value);
                case "application_name" -> parameters.put("ApplicationName", value);
                default -> parameters.put(key, value);
            }
        }
        if (user != null && user.isEmpty()) {
            user = null;
        }
        if (password != null && password.isEmpty()) {
            password = null;
        }
        if (password != null && password.toUpperCase(Locale.ROOT).contains("YOUR-PASSWORD")) {
            throw new DatabaseUnavailableException(VARIABLE + " still holds Supabase's placeholder [YOUR-PASSWORD]: "
                    + "replace it, brackets included, with your database password (characters such as @ : / ? # % "
                    + "written percent-encoded, e.g. @ as %40).");
        }
        boolean supabaseTransactionPooler = hostPorts.size() == 1
                && hostPorts.get(0).toLowerCase(Locale.ROOT).endsWith(".pooler.supabase.com:6543");
        if (supabaseTransactionPooler) {
            parameters.putIfAbsent("prepareThreshold", "0");
        }

        String hostList = String.join(",", hostPorts);
        StringBuilder jdbc = new StringBuilder("jdbc:postgresql://").append(hostList).append('/').append(database);
        String separator = "?";
        for (Map.Entry<String, String> parameter : parameters.entrySet()) {
            jdbc.append(separator).append(URLEncoder.encode(parameter.getKey(), StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(parameter.getValue(), StandardCharsets.UTF_8));
            separator = "&";
        }
        String jdbcUrl = jdbc.toString();
        if (Driver.parseURL(jdbcUrl, null) == null) {
            throw malformed("the JDBC driver cannot read the host, port or database name");
        }
        String target = "postgresql://" + (user == null ? "" : percentEncode(user) + "@") + hostList + "/" + database;
        return new DatabaseUrl(jdbcUrl, target, user, password, hosts);
    }

    private static DatabaseUrl parseJdbc(String url) {
        Properties parsed = Driver.parseURL(url, null);
        if (parsed == null) {
            throw malformed("the JDBC driver cannot read it as a jdbc:postgresql: URL");
        }
        String password = parsed.getProperty("password");
        String user = parsed.getProperty("user");
        // Drop the password parameter, keep every other character of the URL as it was.
        String jdbcUrl = url;
        int question = url.indexOf('?');
        if (question >= 0) {
            List<String> kept = new ArrayList<>();
            for (String pair : url.substring(question + 1).split("&")) {
                int equals = pair.indexOf('=');
                String key = URLDecoder.decode(equals >= 0 ? pair.substring(0, equals) : pair, StandardCharsets.UTF_8);
                if (!key.equals("password") && !pair.isEmpty()) {
                    kept.add(pair);
                }
            }
            jdbcUrl = url.substring(0, question) + (kept.isEmpty() ? "" : "?" + String.join("&", kept));
        }
        String[] hostNames = parsed.getProperty("PGHOST", "").split(",");
        String[] ports = parsed.getProperty("PGPORT", "").split(",");
        List<String> hosts = new ArrayList<>();
        List<String> hostPorts = new ArrayList<>();
        for (int i = 0; i < hostNames.length; i++) {
            if (hostNames[i].isEmpty()) {
                continue;
            }
            hosts.add(hostNames[i]);
            String port = i < ports.length && !ports[i].isEmpty() ? ports[i] : Integer.toString(DEFAULT_PORT);
            hostPorts.add((hostNames[i].contains(":") ? "[" + hostNames[i] + "]" : hostNames[i]) + ":" + port);
        }
        String target = "jdbc:postgresql://" + String.join(",", hostPorts) + "/" + parsed.getProperty("PGDBNAME", "")
                + (user == null ? "" : "?user=" + user);
        return new DatabaseUrl(jdbcUrl, target, user, password == null || password.isEmpty() ? null : password,
                hosts);
    }

    private static String checkPort(String port) {
        if (port.isEmpty()) {
            return Integer.toString(DEFAULT_PORT);
        }
        try {
            int number = Integer.parseInt(port);
            if (number >= 1 && number <= 65535) {
                return Integer.toString(number);
            }
        } catch (NumberFormatException e) {
            // below
        }
        // A password with an unencoded character can end up here: the value is not quoted.
        throw malformed("the port is not a number from 1 to 65535");
    }

    private static DatabaseUnavailableException malformed(String reason) {
        return new DatabaseUnavailableException(VARIABLE + " is not a valid PostgreSQL URL (" + reason + "): "
                + EXPECTED + ".");
    }

    private static int indexOfAny(String s, String chars) {
        for (int i = 0; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return s.length();
    }

    /**
     * RFC 3986 percent-decoding as libpq does it: {@code %XX} sequences become bytes (read as UTF-8), a {@code +}
     * stays a {@code +} (unlike {@link URLDecoder}), and a {@code %} not followed by two hex digits is kept as it
     * is, so a pasted, unencoded password containing {@code %} still works.
     */
    static String percentDecode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); ) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length()
                    && Character.digit(s.charAt(i + 1), 16) >= 0 && Character.digit(s.charAt(i + 2), 16) >= 0) {
                bytes.write(Character.digit(s.charAt(i + 1), 16) * 16 + Character.digit(s.charAt(i + 2), 16));
                i += 3;
            } else {
                int codePoint = s.codePointAt(i);
                byte[] encoded = new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8);
                bytes.write(encoded, 0, encoded.length);
                i += Character.charCount(codePoint);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** Percent-encodes everything but RFC 3986's unreserved characters: safe in any part of a URL. */
    static String percentEncode(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }
}
