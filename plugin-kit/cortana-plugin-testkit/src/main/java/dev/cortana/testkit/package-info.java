/**
 * The Cortana plugin test kit (JUnit 5).
 *
 * <ul>
 *   <li>{@link dev.cortana.testkit.CortanaTestHost}: a real host in the test JVM with the plugin under test loaded
 *       from its JAR in its own class loader, a scripted model ({@link dev.cortana.testkit.ScriptedModel}) served to
 *       the real OpenAI provider plugin, a {@link dev.cortana.testkit.TestClock} driving durable jobs, and the
 *       messages and approval questions the user would see.</li>
 *   <li>{@link dev.cortana.testkit.TestContext}: a plain {@link dev.cortana.api.CortanaContext} for unit tests, and
 *       {@link dev.cortana.testkit.TestTools} to call a plugin's tools the way the host does.</li>
 *   <li>{@link dev.cortana.testkit.TestDatabases}: one embedded PostgreSQL per test JVM, a fresh database per call.</li>
 * </ul>
 *
 * <pre>{@code
 * @RegisterExtension
 * static final CortanaTestHost cortana = CortanaTestHost.forPluginUnderTest();
 *
 * @Test
 * void greets() {
 *     cortana.model().when("say hi to Ada").callTool("greet", Map.of("name", "Ada")).thenAnswerWithToolResult();
 *     assertThat(cortana.chat("say hi to Ada")).isEqualTo("Hello, Ada!");
 * }
 * }</pre>
 *
 * @since 0.1.0
 */
package dev.cortana.testkit;
