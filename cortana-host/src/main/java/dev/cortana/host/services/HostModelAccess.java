package dev.cortana.host.services;

import dev.cortana.api.llm.ModelAccess;
import dev.cortana.api.llm.ModelUnavailableException;
import dev.cortana.host.llm.LlmUnavailableException;
import dev.cortana.host.llm.ModelRouter;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A plugin's {@link ModelAccess}: {@link ModelRouter#chat} with the model the choice names, so keys rotate, rest and
 * are counted in the usage ledger as for a user's message.
 */
final class HostModelAccess implements ModelAccess {

    private static final Logger log = LoggerFactory.getLogger(HostModelAccess.class);

    private final String pluginId;
    private final ModelRouter router;
    private final Supplier<String> activeModel;
    private final Optional<String> backgroundModel;

    HostModelAccess(String pluginId, ModelRouter router, Supplier<String> activeModel, Optional<String> backgroundModel) {
        this.pluginId = pluginId;
        this.router = router;
        this.activeModel = activeModel;
        this.backgroundModel = backgroundModel.map(String::strip).filter(m -> !m.isEmpty());
    }

    @Override
    public ChatResponse chat(Choice choice, ChatRequest request) {
        return chat(modelName(choice), String.valueOf(choice), request);
    }

    @Override
    public ChatResponse chatWith(String model, ChatRequest request) {
        return model == null || model.isBlank() ? chat(Choice.BACKGROUND, request) : chat(model.strip(), "named", request);
    }

    private ChatResponse chat(String model, String choice, ChatRequest request) {
        try {
            ChatResponse response = router.chat(model, request);
            log.debug("Plugin {} asked {} ({}): {} tokens", pluginId, model, choice,
                    response.tokenUsage() == null ? "?" : response.tokenUsage().totalTokenCount());
            return response;
        } catch (LlmUnavailableException e) {
            log.info("Plugin {} asked {} ({}): {}", pluginId, model, choice, e.getMessage());
            throw new ModelUnavailableException(e.getMessage());
        }
    }

    @Override
    public String modelName(Choice choice) {
        return choice == Choice.BACKGROUND && backgroundModel.isPresent() ? backgroundModel.get() : activeModel.get();
    }
}
