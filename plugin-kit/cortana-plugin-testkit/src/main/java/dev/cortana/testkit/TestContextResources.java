package dev.cortana.testkit;

import java.util.ArrayDeque;
import java.util.Deque;

/** What a {@link TestContextBuilder} created for one context and its {@link TestContext#close()} releases, last first. */
final class TestContextResources implements AutoCloseable {

    private final Deque<AutoCloseable> owned = new ArrayDeque<>();

    <T extends AutoCloseable> T own(T resource) {
        owned.push(resource);
        return resource;
    }

    @Override
    public void close() {
        RuntimeException failure = null;
        while (!owned.isEmpty()) {
            try {
                owned.pop().close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("Closing a test context failed: " + e.getMessage(), e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
