package io.portcullis.migrate;

import io.portcullis.config.SecretBox;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The PgBouncer files under {@code src/test/resources/pgbouncer/}, and test-local ones mapped. */
final class Fixtures {

    private Fixtures() {
    }

    static String read(String path) {
        return find(path).orElseThrow(() -> new IllegalStateException("no test resource pgbouncer/" + path));
    }

    /**
     * Maps an ini and a userlist given as text (test-local files); clear-text passwords become a
     * stand-in verifier, backend passwords are sealed with a throw-away key.
     *
     * @param userlist null for none
     */
    static ImportPlan plan(String ini, String userlist) {
        SecretBox box = new SecretBox(new byte[SecretBox.KEY_BYTES], new SecureRandom());
        PgBouncerMapper mapper = new PgBouncerMapper(box::seal, password -> "SCRAM-SHA-256$4096:c2FsdA==$a2V5:a2V5");
        return mapper.map(new IniParser(IncludeResolver.NONE).parse("pgbouncer.ini", ini),
                userlist == null ? List.of() : UserlistParser.parse("userlist.txt", userlist));
    }

    /** The findings of {@code plan} by {@code file:line:key}. */
    static Map<String, UnmappedLine> byWhere(ImportPlan plan) {
        Map<String, UnmappedLine> byWhere = new LinkedHashMap<>();
        plan.unmapped().forEach(u -> byWhere.put(u.file() + ":" + u.line() + ":" + u.key(), u));
        return byWhere;
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
