package com.example.weather;

import dev.cortana.api.tools.ToolProvider;
import dev.langchain4j.agent.tool.Tool;
import java.util.List;
import org.pf4j.Extension;

@Extension
public final class WeatherTools implements ToolProvider {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(WeatherTools.class);

    @Override
    public List<Object> tools() {
        return List.of(this);
    }

    @Tool(name = "weather", value = "Today's weather")
    public String weather(String city) {
        log.info("weather in {}", city);
        return "sunny in " + city;
    }
}
