/**
 * The contract between Cortana's host and its plugins.
 *
 * <p>A plugin is a PF4J JAR whose extensions implement one or more extension points of this package's
 * sub-packages: {@link dev.cortana.api.tools.ToolProvider} (agent tools),
 * {@link dev.cortana.api.llm.LlmProvider} (a family of language models),
 * {@link dev.cortana.api.memory.MemoryProvider} (long-term memory),
 * {@link dev.cortana.api.skills.SkillSource} (bundled skills),
 * {@link dev.cortana.api.commands.CommandProvider} (slash commands) and
 * {@link dev.cortana.api.users.UserDataMigration} (merging a plugin's per-user rows when two user ids turn out to be
 * one person). Any extension may also implement
 * {@link dev.cortana.api.StatusNote} to tell the user in one line how it runs ({@code /plugins}, the start-up line).
 *
 * <p>Extensions get host services through their constructor: declare a public constructor that takes a
 * {@link dev.cortana.api.CortanaContext} and the host hands you one scoped to your plugin.
 *
 * <pre>{@code
 * @Extension
 * public final class WeatherTools implements ToolProvider {
 *     private final CortanaContext context;
 *
 *     public WeatherTools(CortanaContext context) { this.context = context; }
 *
 *     @Override
 *     public List<Object> tools() { return List.of(this); }
 *
 *     @Tool("Current weather for a city")
 *     public String weather(@P("city name") String city) { ... }
 * }
 * }</pre>
 *
 * <p>Compile against {@code cortana-api} with {@code provided} scope; {@code langchain4j-core}, Jackson and
 * SLF4J also come from the host and must not be bundled in the plugin JAR.
 */
package dev.cortana.api;
