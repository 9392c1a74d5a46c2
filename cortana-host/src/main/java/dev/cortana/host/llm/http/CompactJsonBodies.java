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

    /** {@code json} without the whitespace between its tokens; anything that does not start like JSON is returned as is. */
    static String compact(String json) {
        if (json == null || json.isEmpty()) {
            return json;
        }
        char first = json.charAt(0);
        if (first != '{' && first != '[') {
            return json;
        }
        StringBuilder out = new StringBuilder(json.length());
        boolean inString = false;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (inString) {
                out.append(c);
                if (c == '\\' && i + 1 < json.length()) {
                    out.append(json.charAt(++i)); // an escaped character, a quote included
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
                out.append(c);
            } else if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                out.append(c);
            }
        }
        return out.length() == json.length() ? json : out.toString();
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
