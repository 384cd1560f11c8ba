package io.portcullis.config;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code docs/settings.md} holds, between its {@code generated:settings} markers, the table the
 * {@link RuntimeSettings} descriptors give: a setting added, renamed or re-described there fails this test until
 * the table is regenerated. Run with {@code -Dsettings.write=true} to rewrite the block in place.
 */
class SettingsReferenceTest {

    static final Path FILE = Path.of("docs", "settings.md");
    static final String BEGIN = "<!-- generated:settings begin -->";
    static final String END = "<!-- generated:settings end -->";

    /** The table: one row per descriptor, in catalog order. */
    static String table() {
        StringBuilder md = new StringBuilder();
        md.append("| API field | property | PgBouncer | default | bounds | live | meaning |\n");
        md.append("|---|---|---|---|---|---|---|\n");
        for (Setting<?> s : RuntimeSettings.ALL) {
            md.append("| `").append(s.name()).append("` | `").append(s.property()).append("` | ")
                    .append(s.pgbouncer() == null ? "—" : "`" + s.pgbouncer() + "`").append(" | ")
                    .append(s.defaultText().isEmpty() ? "empty" : "`" + s.defaultText() + "`").append(" | ").append(s.bounds()).append(" | ")
                    .append(s.live() ? "yes" : "restart").append(" | ")
                    .append(s.meaning().replace("|", "\\|")).append(" |\n");
        }
        return md.toString();
    }

    @Test
    void theGeneratedTableIsWhatTheDescriptorsSay() throws IOException {
        String text = Files.readString(FILE, StandardCharsets.UTF_8);
        int begin = text.indexOf(BEGIN);
        int end = text.indexOf(END);
        assertTrue(begin >= 0 && end > begin, FILE + " must hold the markers " + BEGIN + " and " + END);
        String current = text.substring(begin + BEGIN.length(), end);
        String expected = "\n" + table();
        if (Boolean.getBoolean("settings.write") && !current.equals(expected)) {
            Files.writeString(FILE, text.substring(0, begin + BEGIN.length()) + expected + text.substring(end),
                    StandardCharsets.UTF_8);
            return;
        }
        assertEquals(expected, current, FILE + " is out of date with RuntimeSettings: regenerate it with "
                + "./mvnw -o test -Dtest=SettingsReferenceTest -Dsettings.write=true and commit the file");
    }

    /** Each name is used once, so the API, the store and the importer can find a setting by it. */
    @Test
    void namesPropertiesAndPgBouncerNamesAreUnique() {
        assertEquals(RuntimeSettings.ALL.size(), RuntimeSettings.ALL.stream().map(Setting::name).distinct().count());
        assertEquals(RuntimeSettings.ALL.size(), RuntimeSettings.ALL.stream().map(Setting::property).distinct().count());
        long withPgBouncer = RuntimeSettings.ALL.stream().filter(s -> s.pgbouncer() != null).count();
        assertEquals(withPgBouncer, RuntimeSettings.ALL.stream().map(Setting::pgbouncer).filter(n -> n != null)
                .distinct().count());
        for (Setting<?> s : RuntimeSettings.ALL) {
            assertTrue(s.property().startsWith("portcullis."), s.property());
            assertEquals(s.defaultValue(), s.parse(s.format(s.defaultValue()), s.name()), "round trip of " + s.name());
        }
    }
}
