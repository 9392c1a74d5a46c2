package dev.cortana.plugins.memorylocal;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The plain-Java tokenizer gives all-MiniLM-L6-v2 the same ids as the HuggingFace tokenizers library (DJL's binding,
 * set up as LangChain4j sets it up: the model's tokenizer.json, no padding).
 */
class BertTokenizerTest {

    private static ModelFiles files;
    private static BertTokenizer ours;
    private static HuggingFaceTokenizer huggingFace;

    @BeforeAll
    static void load() throws Exception {
        files = ModelFiles.fromClasspath();
        ours = BertTokenizer.read(files.tokenizerJson());
        huggingFace = HuggingFaceTokenizer.newInstance(files.tokenizerJson(), Map.of("padding", "false"));
    }

    @AfterAll
    static void close() {
        huggingFace.close();
    }

    @Test
    void everyTextOfTheRetrievalSetGetsTheSameIds() {
        List<String> texts = ModelTexts.retrievalSet();
        assertThat(texts).hasSize(462);
        assertSameIds(texts);
    }

    @Test
    void accentsCjkEmojiPunctuationControlsSpecialTokensAndLongWordsGetTheSameIds() {
        assertSameIds(ModelTexts.tricky());
    }

    @Test
    void aTextLongerThanTheModelTakesIsCutTo128IdsEndingInSep() {
        long[] ids = ours.encode("memory ".repeat(300));
        assertThat(ours.maxLength()).isEqualTo(128);
        assertThat(ids).hasSize(128);
        assertThat(ids[0]).isEqualTo(101); // [CLS]
        assertThat(ids[127]).isEqualTo(102); // [SEP]
    }

    @Test
    void wordsSplitIntoTheLongestVocabularyPiecesAndUnknownWordsBecomeOneUnk() {
        assertThat(huggingFace.encode("unaffable").getTokens()).containsExactly("[CLS]", "una", "##ffa", "##ble", "[SEP]");
        assertThat(ours.encode("Unaffable")).containsExactly(huggingFace.encode("unaffable").getIds());
        assertThat(ours.encode("x".repeat(101))).containsExactly(101, 100, 102); // over 100 characters: [UNK]
        assertThat(ours.encode("🫠")).containsExactly(101, 100, 102); // an emoji newer than Java 17's Unicode too
    }

    private static void assertSameIds(List<String> texts) {
        List<String> differing = new ArrayList<>();
        for (String text : texts) {
            long[] expected = huggingFace.encode(text).getIds();
            long[] actual = ours.encode(text);
            if (!java.util.Arrays.equals(expected, actual)) {
                differing.add(text + "\n  expected " + java.util.Arrays.toString(expected)
                        + "\n  actual   " + java.util.Arrays.toString(actual));
            }
        }
        assertThat(differing).as("texts whose ids differ").isEmpty();
    }
}
