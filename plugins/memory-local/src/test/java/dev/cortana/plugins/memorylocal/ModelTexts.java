package dev.cortana.plugins.memorylocal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Texts the embedding model is checked on: the frozen retrieval set's facts and questions, and hard cases. */
final class ModelTexts {

    private static final Path RETRIEVAL_SET = Path.of("../../bench/src/main/resources/memory-retrieval");

    private ModelTexts() {
    }

    /** The first column of the set's facts.tsv (second) and questions.tsv (first): 462 texts. */
    static List<String> retrievalSet() {
        List<String> texts = new ArrayList<>();
        for (String line : lines("facts.tsv")) {
            texts.add(line.split("\t", 2)[1]);
        }
        for (String line : lines("questions.tsv")) {
            texts.add(line.split("\t", 2)[0]);
        }
        return texts;
    }

    private static List<String> lines(String file) {
        try {
            return Files.readAllLines(RETRIEVAL_SET.resolve(file), StandardCharsets.UTF_8).stream()
                    .filter(line -> !line.isBlank()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Accents, CJK, emoji, punctuation, odd whitespace and controls, special tokens, long words and long texts. */
    static List<String> tricky() {
        return List.of(
                "Café Crème à São Paulo, naïve façade — Ångström, Ñandú, Øresund, Łódź",
                "İstanbul ΣΊΣΥΦΟΣ Straße ǅemal ﬁne ligature ＦＵＬＬＷＩＤＴＨ",
                "北京是中国的首都。東京タワーに行きました！ 한국어 텍스트 𠀀𪜀",
                "I ❤️ pizza 🍕🍕, 🤣 and 🥰; family 👩‍👩‍👧 👍🏽 🫠",
                "e-mail: foo@bar.com; $100 (approx.) #tag ~x ^y `z` «quotes» “curly” ¿qué? ¡sí! a/b\\c |d| {e} [f] <g>",
                "tabs\tand\nnewlines\r\nand\u00A0nbsp\u2003em\u3000ideographic\u200Bzwsp\u2028line",
                "bell\u0007 nul\u0000 fffd\uFFFD soft\u00ADhyphen rtl\u200Fmark bom\uFEFF",
                "hello [SEP] world [MASK]x[cls] [UNK][CLS]",
                "3.14159 1,000,000 2026-12-01T18:09Z v1.19.0-beta29 C++ C# F#",
                "pneumonoultramicroscopicsilicovolcanoconiosis antidisestablishmentarianism",
                "a".repeat(100) + " " + "b".repeat(101) + " " + "é".repeat(101),
                "unbelievably unrecognisable xylophonists zzzqqqxxx",
                "The quick brown fox jumps over the lazy dog while the cat watches from the windowsill. ".repeat(12),
                "Wörter ".repeat(200),
                "",
                "   \t\n ");
    }
}
