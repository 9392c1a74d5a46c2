package dev.cortana.host.llm.http;

import java.io.IOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * A JDK HTTP client that bounds every response body ({@link BoundedBody}: size, and time within the request's
 * timeout) and hands every failed response to the {@link FailedResponseHeaders} bound to the thread that sent the
 * request; otherwise it behaves exactly like the client it wraps.
 */
final class HeaderReadingJdkClient extends HttpClient {

    private final HttpClient delegate;

    HeaderReadingJdkClient(HttpClient delegate) {
        this.delegate = delegate;
    }

    @Override
    public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
            throws IOException, InterruptedException {
        FailedResponseHeaders listener = FailedResponseHeaders.current();
        HttpResponse<T> response = delegate.send(request, bounded(request, handler));
        if (listener != null) {
            listener.record(response);
        }
        return response;
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        // Read the binding now, on the sending thread: the answer arrives on another.
        return recorded(FailedResponseHeaders.current(), delegate.sendAsync(request, bounded(request, handler)));
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler,
                                                            HttpResponse.PushPromiseHandler<T> pushes) {
        return recorded(FailedResponseHeaders.current(), delegate.sendAsync(request, bounded(request, handler), pushes));
    }

    private static <T> HttpResponse.BodyHandler<T> bounded(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        return BoundedBody.handler(handler, BoundedBody.MAX_BYTES,
                request.timeout().orElse(BoundedBody.DEFAULT_TIME_LIMIT));
    }

    private static <T> CompletableFuture<HttpResponse<T>> recorded(FailedResponseHeaders listener,
                                                                   CompletableFuture<HttpResponse<T>> answer) {
        if (listener == null) {
            return answer;
        }
        return answer.thenApply(response -> {
            listener.record(response);
            return response;
        });
    }

    @Override
    public Optional<CookieHandler> cookieHandler() {
        return delegate.cookieHandler();
    }

    @Override
    public Optional<Duration> connectTimeout() {
        return delegate.connectTimeout();
    }

    @Override
    public Redirect followRedirects() {
        return delegate.followRedirects();
    }

    @Override
    public Optional<ProxySelector> proxy() {
        return delegate.proxy();
    }

    @Override
    public SSLContext sslContext() {
        return delegate.sslContext();
    }

    @Override
    public SSLParameters sslParameters() {
        return delegate.sslParameters();
    }

    @Override
    public Optional<Authenticator> authenticator() {
        return delegate.authenticator();
    }

    @Override
    public Version version() {
        return delegate.version();
    }

    @Override
    public Optional<Executor> executor() {
        return delegate.executor();
    }

    /** Configures the wrapped JDK builder; {@link #build()} wraps what it builds. */
    static final class Builder implements HttpClient.Builder {

        private final HttpClient.Builder delegate;

        Builder(HttpClient.Builder delegate) {
            this.delegate = delegate;
        }

        @Override
        public Builder cookieHandler(CookieHandler handler) {
            delegate.cookieHandler(handler);
            return this;
        }

        @Override
        public Builder connectTimeout(Duration duration) {
            delegate.connectTimeout(duration);
            return this;
        }

        @Override
        public Builder sslContext(SSLContext context) {
            delegate.sslContext(context);
            return this;
        }

        @Override
        public Builder sslParameters(SSLParameters parameters) {
            delegate.sslParameters(parameters);
            return this;
        }

        @Override
        public Builder executor(Executor executor) {
            delegate.executor(executor);
            return this;
        }

        @Override
        public Builder followRedirects(Redirect policy) {
            delegate.followRedirects(policy);
            return this;
        }

        @Override
        public Builder version(Version version) {
            delegate.version(version);
            return this;
        }

        @Override
        public Builder priority(int priority) {
            delegate.priority(priority);
            return this;
        }

        @Override
        public Builder proxy(ProxySelector selector) {
            delegate.proxy(selector);
            return this;
        }

        @Override
        public Builder authenticator(Authenticator authenticator) {
            delegate.authenticator(authenticator);
            return this;
        }

        @Override
        public HttpClient build() {
            return new HeaderReadingJdkClient(delegate.build());
        }
    }
}
