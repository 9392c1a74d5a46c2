package dev.cortana.host.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * This test's class path in a class loader of its own in which some resources do not exist, as in a JAR whose shade
 * filter leaves them out; every request for one of them is recorded. Code run through {@link #apply} is loaded anew
 * from this loader (with the libraries it uses) and runs with it as the thread's context class loader.
 *
 * <pre>{@code
 * try (WithoutResources jar = WithoutResources.hiding(name -> name.startsWith("zoneinfo/"))) {
 *     String runs = jar.apply(NextRuns.class, "FREQ=DAILY");
 *     assertThat(jar.requested()).isEmpty();
 * }
 * }</pre>
 */
public final class WithoutResources implements AutoCloseable {

    private final Predicate<String> hidden;
    private final List<String> requested = Collections.synchronizedList(new ArrayList<>());
    private final URLClassLoader loader;

    private WithoutResources(Predicate<String> hidden) {
        this.hidden = hidden;
        List<URL> urls = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            try {
                urls.add(new File(entry).toURI().toURL());
            } catch (MalformedURLException e) {
                throw new IllegalStateException(entry, e);
            }
        }
        this.loader = new Hiding(urls.toArray(URL[]::new));
    }

    /** The class path without the resources whose names (no leading slash) {@code hidden} accepts. */
    public static WithoutResources hiding(Predicate<String> hidden) {
        return new WithoutResources(hidden);
    }

    /**
     * Creates {@code type} (public, with a public no-argument constructor) in this loader and applies it to
     * {@code argument}. Pass and return JDK types only: the test's own classes are other classes in here.
     */
    public <T, R> R apply(Class<? extends Function<T, R>> type, T argument) {
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            @SuppressWarnings("unchecked")
            Function<T, R> function = (Function<T, R>) loader.loadClass(type.getName()).getConstructor().newInstance();
            return function.apply(argument);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Cannot create " + type.getName() + " in the class loader", e);
        } finally {
            thread.setContextClassLoader(before);
        }
    }

    /** The hidden resources asked for so far, in order. */
    public List<String> requested() {
        synchronized (requested) {
            return List.copyOf(requested);
        }
    }

    @Override
    public void close() {
        try {
            loader.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Looks in its own URLs first (its parent is the platform loader), so classes are defined here, not reused. */
    private final class Hiding extends URLClassLoader {

        Hiding(URL[] urls) {
            super("without-resources", urls, ClassLoader.getPlatformClassLoader());
        }

        @Override
        public URL findResource(String name) {
            if (hidden.test(name)) {
                requested.add(name);
                return null;
            }
            return super.findResource(name);
        }

        @Override
        public Enumeration<URL> findResources(String name) throws IOException {
            if (hidden.test(name)) {
                requested.add(name);
                return Collections.emptyEnumeration();
            }
            return super.findResources(name);
        }
    }
}
