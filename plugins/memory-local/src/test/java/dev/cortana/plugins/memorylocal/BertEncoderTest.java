package dev.cortana.plugins.memorylocal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Our ONNX Runtime encoder gives the embeddings LangChain4j's all-MiniLM-L6-v2 (quantized) gives. */
class BertEncoderTest {

    private static final Duration LOAD = Duration.ofSeconds(60);
    private static Embedder embedder;
    private static EmbeddingModel langChain4j;

    @BeforeAll
    static void load() {
        embedder = Embedder.loading(ModelFiles::fromClasspath);
        langChain4j = new AllMiniLmL6V2QuantizedEmbeddingModel();
    }

    @AfterAll
    static void close() {
        embedder.close();
    }

    @Test
    void embeddingsMatchLangChain4jsOnASampleOfTheRetrievalSetAndHardTexts() {
        List<String> sample = new ArrayList<>();
        List<String> set = ModelTexts.retrievalSet();
        for (int i = 0; i < set.size(); i += 7) {
            sample.add(set.get(i));
        }
        // LangChain4j refuses blank text; ours embeds it as [CLS] [SEP]
        ModelTexts.tricky().stream().filter(text -> !text.isBlank()).forEach(sample::add);
        List<String> differing = new ArrayList<>();
        for (String text : sample) {
            float[] ours = embedder.embed(text, LOAD).orElseThrow();
            float[] theirs = Embedder.normalized(langChain4j.embed(text).content().vector());
            assertThat(ours).hasSize(384);
            float cosine = Embedder.dot(ours, theirs);
            if (cosine < 0.9999f) {
                differing.add(cosine + " " + text);
            }
        }
        assertThat(differing).as("texts with cosine < 0.9999").isEmpty();
    }

    @Test
    void aParaphraseIsCloserThanAnUnrelatedFact() {
        float[] question = embedder.embed("When did dad die?", LOAD).orElseThrow();
        float[] answer = embedder.embed("Her father Tomas passed away in 2019", LOAD).orElseThrow();
        float[] unrelated = embedder.embed("Works from home on Mondays and Fridays", LOAD).orElseThrow();
        assertThat(Embedder.dot(question, question)).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-5f));
        assertThat(Embedder.dot(question, answer)).isGreaterThan(Embedder.dot(question, unrelated) + 0.2f);
    }

    @Test
    void aClosedEmbedderGivesNoEmbeddingAndModelFilesThatCannotBeHadLeaveRetrievalLexical() {
        Embedder closed = Embedder.loading(ModelFiles::fromClasspath);
        assertThat(closed.embed("hello", LOAD)).isPresent();
        closed.close();
        assertThat(closed.embed("hello", LOAD)).isEmpty();

        Embedder missing = Embedder.loading(() -> {
            throw new java.io.IOException("no model here");
        });
        assertThat(missing.embed("hello", LOAD)).isEmpty();
    }
}
