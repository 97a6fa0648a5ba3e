package dev.textpoke.patcher;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Base of the tests that run experiments: one {@link Patcher} per test class, opened once because
 * opening it extracts and loads the native library and checks the driver.
 */
abstract class WithPatcher {
    static Patcher patcher;

    @BeforeAll
    static void open() throws PatcherException {
        patcher = Patcher.open();
    }

    @AfterAll
    static void close() {
        patcher.close();
    }
}
