package dev.cortana.plugins.todos;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cortana.api.tools.ToolProvider;
import dev.cortana.testkit.TestDatabase;
import dev.cortana.testkit.TestDatabases;
import dev.cortana.testkit.TestTools;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.internal.JsonSchemaElementUtils;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonSchemaElement;
import dev.langchain4j.model.chat.request.json.JsonStringSchema;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The tools as the host sees them: the specifications the model is offered, calls run through the host's tool path. */
class TodoLangChain4jTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TestDatabase DATABASE = TestDatabases.fresh().migrated("todos");

    private final TestTools tools;
    private final Map<String, ToolSpecification> specs = new LinkedHashMap<>();
    private final String alice = "alice-" + UUID.randomUUID();
    private final String bob = "bob-" + UUID.randomUUID();

    TodoLangChain4jTest() {
        ToolProvider provider = new TodoToolProvider(TodoContexts.context(DATABASE, Map.of()));
        assertThat(provider.dynamicTools()).isEmpty();
        tools = TestTools.of(provider);
        tools.specifications().forEach(spec -> specs.put(spec.name(), spec));
    }

    @AfterAll
    static void dropDatabase() {
        DATABASE.close();
    }

    @Test
    void offersTheSixToolsWithTheirParameters() {
        assertThat(specs.keySet()).containsExactlyInAnyOrder(
                "add_todo", "list_todos", "complete_todo", "reopen_todo", "update_todo", "delete_todo");

        assertParameters("add_todo", List.of("title", "due", "priority", "notes"), List.of("title"));
        assertParameters("list_todos", List.of("status"), List.of());
        assertParameters("complete_todo", List.of("number"), List.of("number"));
        assertParameters("reopen_todo", List.of("number"), List.of("number"));
        assertParameters("update_todo", List.of("number", "title", "due", "priority", "notes"), List.of("number"));
        assertParameters("delete_todo", List.of("number"), List.of("number"));

        assertThat(specs.get("add_todo").description()).isEqualTo("Add a todo for the user");
        for (String tool : List.of("add_todo", "update_todo")) {
            JsonSchemaElement due = specs.get(tool).parameters().properties().get("due");
            assertThat(due).isInstanceOf(JsonStringSchema.class);
            assertThat(((JsonStringSchema) due).description()).contains("ISO-8601").contains("user's time zone");
        }
    }

    @Test
    void descriptionsAreShortAndTheWholeSetIsSmall() throws Exception {
        int total = 0;
        for (ToolSpecification spec : specs.values()) {
            assertThat(spec.description()).as(spec.name()).isNotBlank().hasSizeLessThanOrEqualTo(50);
            for (Map.Entry<String, JsonSchemaElement> property : spec.parameters().properties().entrySet()) {
                Object description = JsonSchemaElementUtils.toMap(property.getValue()).get("description");
                if (description != null) {
                    assertThat((String) description).as(spec.name() + "." + property.getKey()).hasSizeLessThanOrEqualTo(70);
                }
            }
            total += json(spec).getBytes(StandardCharsets.UTF_8).length;
        }
        System.out.println("todos tool specifications: " + total + " bytes of JSON");
        assertThat(total).isLessThan(1500);
    }

    @Test
    void executesThroughTheHostsToolPathWithTheUserIdAsMemoryId() {
        assertThat(execute("add_todo", "{\"title\":\"buy milk\",\"due\":\"2026-11-27\"}", alice))
                .isEqualTo("Added \"buy milk\" (due Fri 2026-11-27).");
        assertThat(execute("add_todo", "{\"title\":\"call mum\",\"due\":\"2026-11-25T09:00\",\"priority\":\"high\"}", alice))
                .isEqualTo("Added \"call mum\" (due Wed 2026-11-25 09:00).");
        assertThat(execute("add_todo", "{\"title\":\"buy milk\",\"due\":\"Friday\"}", alice)).isEqualTo(
                "Error: due must be an ISO-8601 date like 2026-11-27 or date-time like 2026-11-27T09:00, got \"Friday\"");
        assertThat(execute("list_todos", "{}", alice)).isEqualTo("""
                2. call mum — due Wed 2026-11-25 09:00 (overdue) — high priority
                1. buy milk — due Fri 2026-11-27""");

        assertThat(execute("complete_todo", "{\"number\":2}", alice)).isEqualTo("Completed 2. call mum.");
        assertThat(execute("list_todos", "{\"status\":\"all\"}", alice)).isEqualTo("""
                2. ✓ call mum — due Wed 2026-11-25 09:00 — high priority
                1. buy milk — due Fri 2026-11-27""");
        assertThat(execute("reopen_todo", "{\"number\":\"2\"}", alice)).isEqualTo("Reopened 2. call mum.");
        assertThat(execute("update_todo", "{\"number\":1,\"priority\":\"low\"}", alice))
                .isEqualTo("Updated 1. buy milk — due Fri 2026-11-27 — low priority.");
        assertThat(execute("delete_todo", "{\"number\":1}", alice)).isEqualTo("Deleted 1. buy milk.");

        assertThat(execute("list_todos", "{}", bob)).isEqualTo("No open todos.");
        assertThat(execute("delete_todo", "{\"number\":2}", bob))
                .isEqualTo("Error: no todo #2. Call list_todos to see the numbers.");
    }

    @Test
    void argumentsAreBoundFromTheModelsJsonLikeTheHostDoes() {
        assertThat(tools.as(alice).call("add_todo", Map.of("title", "buy milk"))).isEqualTo("Added \"buy milk\".");
        assertThat(tools.as(alice).callJson("complete_todo", "{\"number\":\"1\"}")).isEqualTo("Completed 1. buy milk.");
        assertThat(tools.as(alice).call("list_todos", Map.of("status", "done"))).isEqualTo("1. buy milk");
    }

    private String execute(String tool, String arguments, String userId) {
        return tools.as(userId).callJson(tool, arguments);
    }

    private void assertParameters(String tool, List<String> properties, List<String> required) {
        JsonObjectSchema parameters = specs.get(tool).parameters();
        assertThat(parameters.properties().keySet()).as(tool).containsExactlyElementsOf(properties);
        assertThat(parameters.required()).as(tool).containsExactlyInAnyOrderElementsOf(required);
    }

    /** The specification as a provider receives it: name, description and JSON schema of the parameters. */
    private static String json(ToolSpecification spec) throws Exception {
        Map<String, Object> function = new LinkedHashMap<>();
        function.put("name", spec.name());
        function.put("description", spec.description());
        function.put("parameters", JsonSchemaElementUtils.toMap(spec.parameters()));
        return JSON.writeValueAsString(function);
    }
}
