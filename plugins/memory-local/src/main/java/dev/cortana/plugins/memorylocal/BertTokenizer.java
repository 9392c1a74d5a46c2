package dev.cortana.plugins.memorylocal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The uncased BERT WordPiece tokenizer of a HuggingFace {@code tokenizer.json} ({@code BertNormalizer},
 * {@code BertPreTokenizer}, {@code WordPiece}, {@code [CLS] … [SEP]}), in plain Java: the same ids as the HuggingFace
 * {@code tokenizers} library gives for all-MiniLM-L6-v2, without its native library.
 *
 * <p>The steps, as the Rust library does them: special tokens written literally in the text ({@code [SEP]}) are kept
 * whole; the rest is cleaned (NUL, U+FFFD, control, format and private-use characters removed, whitespace made a
 * space), CJK ideographs become words of their own, accents are stripped (NFD without nonspacing marks), each
 * character is lower-cased; words split at whitespace and at every punctuation character (Unicode P* or an ASCII
 * symbol); each word becomes its longest vocabulary pieces from the left ({@code ##} inside a word), or one
 * {@code [UNK]} if any part of it has none or it is longer than {@code max_input_chars_per_word}. The ids are cut to
 * the file's {@code truncation.max_length} (128 for all-MiniLM-L6-v2) counting {@code [CLS]} and {@code [SEP]}.
 * Every {@code added_tokens} entry is taken as a special token matched in the raw text (all five of this model's are).
 */
final class BertTokenizer {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** BERT's position embeddings, the limit when the file sets no truncation. */
    private static final int MODEL_MAX_LENGTH = 512;

    private final Map<String, Integer> vocab;
    private final Map<String, Integer> specialTokens;
    private final boolean cleanText;
    private final boolean chineseChars;
    private final boolean stripAccents;
    private final boolean lowercase;
    private final String prefix;
    private final int maxCharsPerWord;
    private final int unk;
    private final int cls;
    private final int sep;
    private final int maxLength;

    /** {@code json} is the file without {@code model.vocab}, which is {@code vocab}. */
    private BertTokenizer(JsonNode json, Map<String, Integer> vocab) {
        JsonNode model = json.path("model");
        if (!"WordPiece".equals(model.path("type").asText())) {
            throw new IllegalArgumentException("not a WordPiece tokenizer: " + model.path("type").asText());
        }
        this.vocab = vocab;
        specialTokens = new HashMap<>();
        for (JsonNode added : json.path("added_tokens")) {
            specialTokens.put(added.path("content").asText(), added.path("id").asInt());
        }
        JsonNode normalizer = json.path("normalizer");
        cleanText = normalizer.path("clean_text").asBoolean(true);
        chineseChars = normalizer.path("handle_chinese_chars").asBoolean(true);
        lowercase = normalizer.path("lowercase").asBoolean(true);
        // as in the Rust library: strip_accents null means "as lowercase"
        JsonNode strip = normalizer.path("strip_accents");
        stripAccents = strip.isBoolean() ? strip.asBoolean() : lowercase;
        prefix = model.path("continuing_subword_prefix").asText("##");
        maxCharsPerWord = model.path("max_input_chars_per_word").asInt(100);
        unk = id(model.path("unk_token").asText("[UNK]"));
        cls = id("[CLS]");
        sep = id("[SEP]");
        maxLength = json.path("truncation").path("max_length").asInt(MODEL_MAX_LENGTH);
    }

    static BertTokenizer read(Path tokenizerJson) throws IOException {
        // The vocabulary (30,522 entries of 711 KB) is streamed into the map: a tree of it took twice as long cold.
        Map<String, Integer> vocab = new HashMap<>(65_536);
        ObjectNode rest = JSON.createObjectNode();
        try (InputStream in = Files.newInputStream(tokenizerJson); JsonParser parser = JSON.createParser(in)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException(tokenizerJson + " is not a JSON object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if (!field.equals("model") || value != JsonToken.START_OBJECT) {
                    rest.set(field, JSON.readTree(parser));
                    continue;
                }
                ObjectNode model = rest.putObject("model");
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String modelField = parser.currentName();
                    if (parser.nextToken() == JsonToken.START_OBJECT && modelField.equals("vocab")) {
                        while (parser.nextToken() == JsonToken.FIELD_NAME) {
                            String token = parser.currentName();
                            parser.nextToken();
                            vocab.put(token, parser.getValueAsInt());
                        }
                    } else {
                        model.set(modelField, JSON.readTree(parser));
                    }
                }
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException(tokenizerJson + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
        return new BertTokenizer(rest, vocab);
    }

    private int id(String token) {
        Integer id = vocab.get(token);
        if (id == null) {
            throw new IllegalArgumentException("the vocabulary has no " + token);
        }
        return id;
    }

    /** The most ids {@link #encode} returns, {@code [CLS]} and {@code [SEP]} included. */
    int maxLength() {
        return maxLength;
    }

    /** {@code [CLS]}, the text's pieces (cut to {@link #maxLength()} in all), {@code [SEP]}. */
    long[] encode(String text) {
        List<Integer> ids = new ArrayList<>();
        int from = 0;
        while (from <= text.length()) {
            int[] special = nextSpecialToken(text, from);
            int end = special == null ? text.length() : special[0];
            for (String word : words(normalized(text.substring(from, end)))) {
                wordPieces(word, ids);
            }
            if (special == null) {
                break;
            }
            ids.add(special[2]);
            from = special[1];
        }
        int kept = Math.min(ids.size(), Math.max(0, maxLength - 2));
        long[] encoded = new long[kept + 2];
        encoded[0] = cls;
        for (int i = 0; i < kept; i++) {
            encoded[i + 1] = ids.get(i);
        }
        encoded[kept + 1] = sep;
        return encoded;
    }

    /** {start, end, id} of the leftmost (then longest) special token at or after {@code from}, or null. */
    private int[] nextSpecialToken(String text, int from) {
        int[] best = null;
        for (Map.Entry<String, Integer> special : specialTokens.entrySet()) {
            int at = text.indexOf(special.getKey(), from);
            if (at >= 0 && (best == null || at < best[0] || at == best[0] && at + special.getKey().length() > best[1])) {
                best = new int[] {at, at + special.getKey().length(), special.getValue()};
            }
        }
        return best;
    }

    private String normalized(String text) {
        StringBuilder out = new StringBuilder(text.length() + 8);
        text.codePoints().forEach(c -> {
            if (cleanText && (c == 0 || c == 0xFFFD || isControl(c))) {
                return;
            }
            if (cleanText && isWhitespace(c)) {
                out.append(' ');
            } else if (chineseChars && isChinese(c)) {
                out.append(' ').appendCodePoint(c).append(' ');
            } else {
                out.appendCodePoint(c);
            }
        });
        String normalized = out.toString();
        if (stripAccents) {
            StringBuilder stripped = new StringBuilder(normalized.length());
            Normalizer.normalize(normalized, Normalizer.Form.NFD).codePoints()
                    .filter(c -> Character.getType(c) != Character.NON_SPACING_MARK)
                    .forEach(stripped::appendCodePoint);
            normalized = stripped.toString();
        }
        if (lowercase) {
            // one character at a time, as Rust's char::to_lowercase: full mappings, no final-sigma rule
            StringBuilder lower = new StringBuilder(normalized.length());
            normalized.codePoints().forEach(c -> {
                if (c < 0x80) {
                    lower.append((char) (c >= 'A' && c <= 'Z' ? c + 32 : c));
                } else {
                    lower.append(new String(Character.toChars(c)).toLowerCase(Locale.ROOT));
                }
            });
            normalized = lower.toString();
        }
        return normalized;
    }

    /** Split at whitespace (dropped) and around each punctuation character (kept as a word). */
    private static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        text.codePoints().forEach(c -> {
            if (isWhitespace(c) || isPunctuation(c)) {
                if (word.length() > 0) {
                    words.add(word.toString());
                    word.setLength(0);
                }
                if (!isWhitespace(c)) {
                    words.add(new String(Character.toChars(c)));
                }
            } else {
                word.appendCodePoint(c);
            }
        });
        if (word.length() > 0) {
            words.add(word.toString());
        }
        return words;
    }

    private void wordPieces(String word, List<Integer> ids) {
        int[] chars = word.codePoints().toArray();
        if (chars.length > maxCharsPerWord) {
            ids.add(unk);
            return;
        }
        int size = ids.size();
        int start = 0;
        while (start < chars.length) {
            Integer piece = null;
            int end = chars.length;
            for (; end > start; end--) {
                String candidate = new String(chars, start, end - start);
                piece = vocab.get(start > 0 ? prefix + candidate : candidate);
                if (piece != null) {
                    break;
                }
            }
            if (piece == null) {
                ids.subList(size, ids.size()).clear();
                ids.add(unk);
                return;
            }
            ids.add(piece);
            start = end;
        }
    }

    /** Rust's {@code char::is_whitespace} (the Unicode White_Space property); Java's own leaves out no-break spaces. */
    private static boolean isWhitespace(int c) {
        return c == ' ' || (c >= 0x09 && c <= 0x0D) || c == 0x85 || c == 0xA0 || c == 0x1680
                || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F
                || c == 0x3000;
    }

    /**
     * Control, format, private use (and a lone surrogate), except tab, newline and return. Not unassigned characters:
     * the Rust library's category tables have none, so a character newer than its tables (an emoji from 2021) stays
     * and becomes {@code [UNK]}. Its tables are otherwise older than Java's too (Unicode 9): a format or punctuation
     * character added since may be treated differently, which no English, European or CJK text meets.
     */
    private static boolean isControl(int c) {
        if (c == '\t' || c == '\n' || c == '\r') {
            return false;
        }
        int type = Character.getType(c);
        return type == Character.CONTROL || type == Character.FORMAT || type == Character.PRIVATE_USE
                || type == Character.SURROGATE;
    }

    private static boolean isPunctuation(int c) {
        if (c < 0x80) {
            return (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126);
        }
        return switch (Character.getType(c)) {
            case Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
                    Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION,
                    Character.FINAL_QUOTE_PUNCTUATION, Character.OTHER_PUNCTUATION -> true;
            default -> false;
        };
    }

    /** The CJK blocks BERT spaces out (the Rust library's ranges, its 0x2B920 start included). */
    private static boolean isChinese(int c) {
        return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x20000 && c <= 0x2A6DF)
                || (c >= 0x2A700 && c <= 0x2B73F) || (c >= 0x2B740 && c <= 0x2B81F)
                || (c >= 0x2B920 && c <= 0x2CEAF) || (c >= 0xF900 && c <= 0xFAFF)
                || (c >= 0x2F800 && c <= 0x2FA1F);
    }
}
