package io.portcullis.migrate;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** The PgBouncer files under {@code src/test/resources/pgbouncer/}. */
final class Fixtures {

    private Fixtures() {
    }

    static String read(String path) {
        return find(path).orElseThrow(() -> new IllegalStateException("no test resource pgbouncer/" + path));
    }

    /** Resolves {@code %include} paths relative to {@code pgbouncer/<dir>/}. */
    static IncludeResolver includesFrom(String dir) {
        return (path, including) -> find(dir + "/" + path);
    }

    private static Optional<String> find(String path) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/pgbouncer/" + path)) {
            return in == null ? Optional.empty() : Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
