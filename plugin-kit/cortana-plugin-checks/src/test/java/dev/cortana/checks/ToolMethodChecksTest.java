package dev.cortana.checks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolMemoryId;
import dev.langchain4j.invocation.InvocationParameters;
import java.io.File;
import java.io.Reader;
import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Which tool parameters the checks accept: what LangChain4j 1.19 turns into a JSON schema the model can fill, and
 * back into a Java value.
 */
class ToolMethodChecksTest {

    enum Colour { RED, GREEN }

    record Address(String street, int number, Optional<String> flat) {
    }

    record Person(String name, List<Address> addresses, Colour favourite, Person parent) {
    }

    record Attachment(String name, Reader content) {
    }

    @SuppressWarnings("unused")
    static final class Tools {
        @Tool("fillable")
        public String fillable(String text, char c, int i, long l, double d, boolean b, BigDecimal money, UUID id,
                               Colour colour, int[] numbers, List<String> words, Set<Colour> colours,
                               Map<String, Integer> counts, LocalDate day, Optional<Integer> limit, Person person,
                               @ToolMemoryId String userId, InvocationParameters parameters) {
            return "";
        }

        @Tool("path") public String path(Path file) { return ""; }
        @Tool("file") public String file(File file) { return ""; }
        @Tool("function") public String function(Function<String, String> how) { return ""; }
        @Tool("object") public String object(Object anything) { return ""; }
        @Tool("type") public String type(Class<?> type) { return ""; }
        @Tool("instant") public String instant(Instant when) { return ""; }
        @Tool("thread") public String thread(Thread thread) { return ""; }
        @Tool("paths") public String paths(List<Path> files) { return ""; }
        @Tool("maybe_path") public String maybePath(Optional<Path> file) { return ""; }
        @Tool("attachment") public String attachment(Attachment attachment) { return ""; }
        @Tool("runnable") public String runnable(Runnable later) { return ""; }
        @Tool("raw_list") public String rawList(@SuppressWarnings("rawtypes") List things) { return ""; }
        @Tool("named") public String named(@P(name = "query", value = "what") String q) { return ""; }
        public String notATool(Path file) { return ""; }
    }

    @Test
    void whatTheModelCanSendIsAccepted() {
        assertThat(PluginChecks.checkToolMethod(method("fillable"))).isEmpty();
        assertThat(PluginChecks.checkToolMethod(method("named"))).isEmpty();
        assertThat(PluginChecks.checkToolMethod(method("notATool"))).isEmpty();
    }

    @Test
    void jdkTypesFunctionsAndObjectAreRefusedNamingTheParameterAndItsType() {
        assertThat(why("path")).isEqualTo("parameter 'file' is a java.nio.file.Path");
        assertThat(why("file")).isEqualTo("parameter 'file' is a java.io.File");
        assertThat(why("function")).isEqualTo("parameter 'how' is a java.util.function.Function (a function: code, not data)");
        assertThat(why("runnable")).isEqualTo("parameter 'later' is a java.lang.Runnable (a function: code, not data)");
        assertThat(why("object")).isEqualTo("parameter 'anything' is a java.lang.Object");
        assertThat(why("type")).isEqualTo("parameter 'type' is a java.lang.Class");
        assertThat(why("instant")).isEqualTo("parameter 'when' is a java.time.Instant");
        assertThat(why("thread")).isEqualTo("parameter 'thread' is a java.lang.Thread");
        assertThat(why("maybe_path")).isEqualTo("parameter 'file' is a java.nio.file.Path");
        assertThat(why("raw_list")).isEqualTo("parameter 'things' is a java.util.List without an element type");
    }

    @Test
    void whatIsInsideListsAndRecordsIsCheckedToo() {
        assertThat(why("paths")).isEqualTo("parameter 'files' (a java.util.List<java.nio.file.Path>) has elements that "
                + "are a java.nio.file.Path");
        assertThat(why("attachment")).isEqualTo("parameter 'attachment' (a " + Attachment.class.getName()
                + ") has a field 'content' that is a java.io.Reader");
    }

    @Test
    void theMessageNamesTheToolAndMethodAndEndsWithTheFix() {
        PluginProblem problem = PluginChecks.checkToolMethod(method("path")).get(0);

        assertThat(problem.kind()).isEqualTo(PluginProblem.Kind.UNFILLABLE_PARAMETER);
        assertThat(problem.message()).startsWith("Tool 'path' (" + Tools.class.getName() + ".path): parameter 'file' "
                + "is a java.nio.file.Path, which the model cannot fill: it only sends JSON");
        assertThat(problem.fix()).isEqualTo("take a String, number, boolean, enum, List or record of those instead "
                + "(for a file: its path in the workspace as a String), and build the object inside the tool");
    }

    private static String why(String tool) {
        List<PluginProblem> problems = PluginChecks.checkToolMethod(method(tool));
        assertThat(problems).hasSize(1);
        String reason = problems.get(0).reason();
        return reason.substring(reason.indexOf("): ") + 3, reason.indexOf(", which the model cannot fill"));
    }

    private static Method method(String toolOrMethod) {
        return Arrays.stream(Tools.class.getMethods())
                .filter(m -> m.getName().equals(toolOrMethod) || m.getName().equals(toCamel(toolOrMethod)))
                .findFirst().orElseThrow();
    }

    private static String toCamel(String name) {
        StringBuilder out = new StringBuilder();
        boolean up = false;
        for (char c : name.toCharArray()) {
            if (c == '_') {
                up = true;
            } else {
                out.append(up ? Character.toUpperCase(c) : c);
                up = false;
            }
        }
        return out.toString();
    }
}
