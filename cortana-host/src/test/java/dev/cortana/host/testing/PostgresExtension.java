package dev.cortana.host.testing;

import javax.sql.DataSource;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives a test class a fresh PostgreSQL database with Cortana's schema: constructors, test methods and lifecycle
 * methods ({@code @BeforeAll} included) may declare a {@link DataSource} or {@link TestDatabase} parameter.
 *
 * <pre>{@code
 * @ExtendWith(PostgresExtension.class)
 * class TodoStoreTest {
 *     private final TodoStore todos;
 *
 *     TodoStoreTest(DataSource dataSource) {
 *         todos = new TodoStore(dataSource);
 *     }
 *     ...
 * }
 * }</pre>
 *
 * <p>Why one database per test class, not per test: creating one costs tens of milliseconds, and a class's tests
 * usually keep apart by using distinct user ids. All parameters within a class (its {@code @Nested} classes
 * included) get the same database; the next class gets a new one, and the old one is dropped after its class.
 * Test classes may run in parallel. The server behind it is {@link TestPostgres}'s, one per JVM.
 */
public final class PostgresExtension implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(
            PostgresExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == DataSource.class || type == TestDatabase.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        TestDatabase database = database(context);
        return parameter.getParameter().getType() == TestDatabase.class ? database : database.dataSource();
    }

    /**
     * The database of the test class {@code context} belongs to, created on first use. For other extensions or
     * for tests that take an {@link ExtensionContext}.
     */
    public static TestDatabase database(ExtensionContext context) {
        ExtensionContext classContext = context;
        while (classContext.getParent().flatMap(ExtensionContext::getParent).isPresent()) {
            classContext = classContext.getParent().get();
        }
        // Values in a store that are AutoCloseable are closed when their context ends (JUnit 5.13 and later).
        return classContext.getStore(NAMESPACE)
                .getOrComputeIfAbsent(TestDatabase.class, key -> TestPostgres.newDatabase(), TestDatabase.class);
    }
}
