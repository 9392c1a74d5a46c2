package com.example.files;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Fails on purpose: the check on the classes runs before the tests, so its plain message shows anyway. */
class FileToolsTest {
    @Test
    void failsOnPurpose() {
        assertEquals("expected", "actual");
    }
}
