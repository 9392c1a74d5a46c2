package dev.cortana.host.llm.http;

import dev.langchain4j.http.client.HttpClient;
import dev.langchain4j.http.client.HttpClientBuilder;
import dev.langchain4j.http.client.HttpRequest;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.http.client.sse.ServerSentEventListener;
import dev.langchain4j.http.client.sse.ServerSentEventParser;
import java.time.Duration;

/**
 * Sends model requests as compact JSON. LangChain4j's OpenAI and Anthropic clients serialise every request with
 * Jackson's {@code INDENT_OUTPUT}: a third of a request's bytes was indentation (about 545 bytes of each tool
 * definition were spaces and line breaks). Whitespace between JSON tokens means nothing, so it is dropped before the
 * request leaves; the text inside strings is untouched.
 */
final class CompactJsonBodies {

    private CompactJsonBodies() {
    }

    /**
     * {@code json} without the whitespace between its tokens; anything that does not start like JSON is returned as
     * is, and so is a body written compact ({@code {"} and no line break: a raw one is never inside a JSON string). Runs once or twice per model request over the whole request (hundreds of KB in a long conversation), so it
     * copies in bulk: the text of each string, where almost all of a long request's characters are, is found with
     * {@link String#indexOf(int, int)} and moved with {@link System#arraycopy}, and only the characters between
     * strings are looked at one by one.
     */
    static String compact(String json) {
        if (json == null || json.isEmpty()) {
            return json;
        }
        char first = json.charAt(0);
        if (first != '{' && first != '[') {
            return json;
        }
        if (json.length() > 1 && !Character.isWhitespace(json.charAt(1)) && json.indexOf('\n') < 0) {
            return json; // compact already: Jackson writes no whitespace between tokens unless it indents (line breaks)
        }
        int length = json.length();
        char[] chars = json.toCharArray(); // compacted in place: what is kept never runs ahead of what is read
        int n = 0;
        int i = 0;
        while (i < length) {
            char c = chars[i];
            if (c == '"') {
                int end = closingQuote(json, i + 1); // index after the string's closing quote
                if (n != i) {
                    System.arraycopy(chars, i, chars, n, end - i);
                }
                n += end - i;
                i = end;
            } else {
                if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                    chars[n++] = c;
                }
                i++;
            }
        }
        return n == length ? json : new String(chars, 0, n);
    }

    /**
     * The index just after the quote that closes the string whose text starts at {@code from} (the end of
     * {@code json} if nothing closes it). A quote closes the string unless an odd number of backslashes precedes it
     * (each pair is an escaped backslash; an odd one out escapes the quote).
     */
    private static int closingQuote(String json, int from) {
        int quote = json.indexOf('"', from);
        while (quote >= 0) {
            int backslashes = 0;
            while (quote - backslashes - 1 >= from && json.charAt(quote - backslashes - 1) == '\\') {
                backslashes++;
            }
            if (backslashes % 2 == 0) {
                return quote + 1;
            }
            quote = json.indexOf('"', quote + 1);
        }
        return json.length();
    }

    /** A builder whose clients send {@link #compact} bodies through the clients {@code delegate} builds. */
    static HttpClientBuilder wrap(HttpClientBuilder delegate) {
        return new Builder(delegate);
    }

    private static HttpRequest compacted(HttpRequest request) {
        String body = request.body();
        if (body == null || (request.formDataFields() != null && !request.formDataFields().isEmpty())
                || (request.formDataFiles() != null && !request.formDataFiles().isEmpty())) {
            return request;
        }
        String compact = compact(body);
        if (compact == body) {
            return request;
        }
        return HttpRequest.builder().method(request.method()).url(request.url()).headers(request.headers())
                .body(compact).build();
    }

    private record Builder(HttpClientBuilder delegate) implements HttpClientBuilder {

        @Override
        public Duration connectTimeout() {
            return delegate.connectTimeout();
        }

        @Override
        public HttpClientBuilder connectTimeout(Duration timeout) {
            delegate.connectTimeout(timeout);
            return this;
        }

        @Override
        public Duration readTimeout() {
            return delegate.readTimeout();
        }

        @Override
        public HttpClientBuilder readTimeout(Duration timeout) {
            delegate.readTimeout(timeout);
            return this;
        }

        @Override
        public HttpClient build() {
            HttpClient client = delegate.build();
            return new HttpClient() {
                @Override
                public SuccessfulHttpResponse execute(HttpRequest request) {
                    return client.execute(compacted(request));
                }

                @Override
                public void execute(HttpRequest request, ServerSentEventParser parser, ServerSentEventListener listener) {
                    client.execute(compacted(request), parser, listener);
                }
            };
        }
    }
}
