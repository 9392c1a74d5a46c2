package com.example.dice;

import dev.cortana.api.tools.ToolProvider;
import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolMemoryId;
import java.util.List;
import java.util.Optional;
import org.pf4j.Extension;

@Extension
public final class DiceTools implements ToolProvider {
    public enum Kind { NORMAL, EXPLODING }

    public record Roll(int sides, int count, Kind kind, List<String> labels) {
    }

    @Override
    public List<Object> tools() {
        return List.of(this);
    }

    @Tool(name = "roll_die", value = "Rolls an n-sided die")
    public int roll(@P("number of sides") int sides, Optional<String> label, @ToolMemoryId String userId) {
        return sides;
    }

    @Tool(name = "roll_many", value = "Rolls several dice")
    public String rollMany(Roll roll, long[] seeds, java.time.LocalDate day) {
        return roll.toString();
    }
}
