package io.portcullis.wire;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packages that speak the wire spell no protocol constant of their own: a message type, a
 * transaction status or an SSLRequest answer written as {@code 'Z'}, {@code (byte) 0x5A} or a string
 * of type letters is a second name for what {@link MessageTypes} names, and drifts from it unseen.
 */
class ProtocolVocabularyTest {

    private static final Path MAIN = Path.of("src/main/java/io/portcullis");
    /** Packages that read or write PostgreSQL messages outside {@code wire}. */
    private static final List<String> WIRE_SPEAKERS = List.of("proxy", "pool", "prepared", "admin", "auth");
    /** Files whose letters are another protocol's, each for its reason. */
    private static final Set<String> OTHER_VOCABULARIES = Set.of(
            "auth/ScramClientMessages.java", // RFC 5802's gs2 flags 'n', 'y', 'p' and attribute letters
            "auth/Md5Challenge.java",        // hex digits
            "auth/LoginThrottle.java");      // its own key kinds, never on the wire
    private static final Pattern CHAR_LITERAL = Pattern.compile("'[A-Za-z0-9]'");
    private static final Pattern BYTE_NUMBER = Pattern.compile("\\(byte\\)\\s*(0x[0-9A-Fa-f]+|[1-9][0-9]*)");
    /** A string of two or more type letters where a set of types goes (the old FrameScanner argument). */
    private static final Pattern TYPE_LETTERS = Pattern.compile("(FrameScanner|captureUpTo)\\(\\s*\"");

    @Test
    void onlyMessageTypesSpellsTheProtocol() throws IOException {
        List<String> found = new ArrayList<>();
        int scanned = 0;
        for (String pkg : WIRE_SPEAKERS) {
            try (Stream<Path> files = Files.walk(MAIN.resolve(pkg))) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    String name = MAIN.relativize(file).toString().replace('\\', '/');
                    if (OTHER_VOCABULARIES.contains(name)) {
                        continue;
                    }
                    scanned++;
                    List<String> lines = Files.readAllLines(file);
                    for (int i = 0; i < lines.size(); i++) {
                        String code = codeOf(lines.get(i));
                        for (Pattern pattern : List.of(CHAR_LITERAL, BYTE_NUMBER, TYPE_LETTERS)) {
                            Matcher m = pattern.matcher(code);
                            if (m.find()) {
                                found.add(name + ":" + (i + 1) + ": " + lines.get(i).strip());
                            }
                        }
                    }
                }
            }
        }
        assertTrue(scanned > 50, "the sources were found (" + scanned + " files): run from the project directory");
        assertEquals(List.of(), found, "name these with MessageTypes (or FrameTypes.of(...) for a set)");
    }

    /** The line without its comment and string literals (an error text may quote a letter). */
    private static String codeOf(String line) {
        String stripped = line.strip();
        if (stripped.startsWith("*") || stripped.startsWith("/*") || stripped.startsWith("//")) {
            return "";
        }
        String code = line.replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"");
        int comment = code.indexOf("//");
        return comment < 0 ? code : code.substring(0, comment);
    }
}
