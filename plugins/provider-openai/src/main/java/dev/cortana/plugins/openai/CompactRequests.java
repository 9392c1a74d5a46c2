package dev.cortana.plugins.openai;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.lang.reflect.Field;

/**
 * LangChain4j's OpenAI client writes its request bodies indented (a third of the bytes of a long conversation); the
 * host strips that whitespace again before a request leaves. Writing them compact in the first place saves both steps
 * on every request: this turns indentation off on the client's JSON mapper — this plugin's own copy of the library —
 * once, before the first request. If a later LangChain4j moves that mapper, nothing breaks: the host still compacts.
 */
final class CompactRequests {

    private static volatile boolean applied;

    private CompactRequests() {
    }

    /** Whether request bodies are written compact (false: the library's mapper was not found). */
    static boolean apply() {
        if (applied) {
            return true;
        }
        synchronized (CompactRequests.class) {
            try {
                Class<?> json = Class.forName("dev.langchain4j.model.openai.internal.Json", true,
                        CompactRequests.class.getClassLoader());
                Field mapper = json.getDeclaredField("OBJECT_MAPPER");
                mapper.setAccessible(true);
                ((ObjectMapper) mapper.get(null)).disable(SerializationFeature.INDENT_OUTPUT);
                applied = true;
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                return false; // the host's compaction covers it
            }
        }
        return true;
    }
}
