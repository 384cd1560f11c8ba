package io.portcullis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every relative link in the documentation resolves: the file or directory it names exists in the repository, and
 * its {@code #anchor} is a heading of the Markdown file it points into (slugged as GitHub does). The README is a map
 * of pages under {@code docs/}; a page renamed or a heading reworded must not leave a link that leads nowhere.
 * Links with a scheme ({@code https:}, {@code mailto:}) are not followed: CI has no network to check them with.
 */
class MarkdownLinksTest {

    private static final Path REPOSITORY = Path.of("").toAbsolutePath();

    /** {@code [text](target)} and {@code ![alt](target)}: the target up to an optional title. */
    private static final Pattern INLINE_LINK = Pattern.compile("\\]\\(\\s*(<[^>]*>|[^)\\s]+)(?:\\s+\"[^\"]*\")?\\s*\\)");
    /** {@code [label]: target}, a reference definition. */
    private static final Pattern REFERENCE = Pattern.compile("^ {0,3}\\[[^\\]]+\\]:\\s*(<[^>]*>|\\S+)");
    private static final Pattern ATX_HEADING = Pattern.compile("^ {0,3}#{1,6}\\s+(.*?)(?:\\s+#+)?\\s*$");
    private static final Pattern HTML_ANCHOR = Pattern.compile("<a\\s+(?:name|id)=\"([^\"]+)\"");
    private static final Pattern CODE_SPAN = Pattern.compile("(`+)(?:(?!\\1).)+?\\1");
    private static final Pattern SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:");
    /** GitHub's links to a line of a source file ({@code #L12}, {@code #L12-L20}). */
    private static final Pattern LINE_ANCHOR = Pattern.compile("L\\d+(-L\\d+)?");

    @Test
    void everyRelativeLinkInTheDocumentationResolves() {
        List<Path> files = documentation(REPOSITORY);
        assertTrue(files.contains(REPOSITORY.resolve("README.md")) && files.size() > 5,
                "the documentation was not found under " + REPOSITORY + ": " + files);
        List<String> broken = brokenLinks(REPOSITORY, files);
        assertTrue(broken.isEmpty(), broken.size() + " broken links:\n" + String.join("\n", broken));
    }

    @Test
    void theReadmeStaysAMapOfPages() throws IOException {
        // The README is what a newcomer reads first: what Portcullis is, the commands, the first steps and where the
        // rest is. Reference material belongs in docs/, where it has room for tables.
        long size = Files.size(REPOSITORY.resolve("README.md"));
        assertTrue(size <= 15 * 1024, "README.md is " + size + " bytes; move reference material into docs/");
    }

    @Test
    void findsMissingFilesAndAnchorsInASample(@TempDir Path root) throws IOException {
        Files.createDirectories(root.resolve("docs/sub"));
        Files.writeString(root.resolve("docs/page.md"), """
                # A page

                ## Health (`quarkus.http.port`, no token)

                ## PgBouncer → Portcullis settings

                ## Repeated

                ## Repeated

                <a name="custom"></a>
                """);
        Files.writeString(root.resolve("README.md"), """
                # Readme

                [fine](docs/page.md) [fine anchor](docs/page.md#health-quarkushttpport-no-token)
                [arrow](docs/page.md#pgbouncer--portcullis-settings) [second](docs/page.md#repeated-1)
                [html](docs/page.md#custom) [self](#readme) [dir](docs/sub) [web](https://example.com/nowhere)
                [titled](docs/page.md "A title")
                [missing file](docs/nope.md) [missing anchor](docs/page.md#health)
                [missing self](#nothing) [outside](../elsewhere.md) [third](docs/page.md#repeated-2)
                `[in code](docs/code.md)`

                ```
                [in a fence](docs/fence.md)
                ```

                [ref]: docs/gone.md
                """);
        List<String> broken = brokenLinks(root, List.of(root.resolve("README.md"), root.resolve("docs/page.md")));
        assertEquals(List.of(
                "README.md:7: docs/nope.md: no such file",
                "README.md:7: docs/page.md#health: no heading or anchor \"health\" in docs/page.md",
                "README.md:8: #nothing: no heading or anchor \"nothing\" in README.md",
                "README.md:8: ../elsewhere.md: outside the repository",
                "README.md:8: docs/page.md#repeated-2: no heading or anchor \"repeated-2\" in docs/page.md",
                "README.md:15: docs/gone.md: no such file"), broken);
    }

    @Test
    void slugsHeadingsAsGitHubDoes() {
        assertEquals("health-quarkushttpport-no-token", slug("Health (`quarkus.http.port`, no token)"));
        assertEquals("pgbouncer--portcullis-settings", slug("PgBouncer → Portcullis settings"));
        assertEquals("shared-configuration-store-replicas", slug("Shared configuration store (replicas)"));
        assertEquals("read-the-docs", slug("Read [the docs](docs/x.md)"));
        assertEquals("snake_case-and-ümlaut", slug("snake_case and Ümlaut"));
    }

    // --- the checker ---------------------------------------------------------------------------------------------

    /** README.md, SECURITY.md and every Markdown file under docs/, deploy/, src/bench/ and src/soak/. */
    static List<Path> documentation(Path root) {
        List<Path> files = new ArrayList<>();
        for (String top : List.of("README.md", "SECURITY.md")) {
            if (Files.isRegularFile(root.resolve(top))) {
                files.add(root.resolve(top));
            }
        }
        for (String dir : List.of("docs", "deploy", "src/bench", "src/soak")) {
            if (!Files.isDirectory(root.resolve(dir))) {
                continue;
            }
            try (Stream<Path> walk = Files.walk(root.resolve(dir))) {
                walk.filter(p -> p.getFileName().toString().endsWith(".md")).sorted().forEach(files::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return files;
    }

    /** One line per link that does not resolve: {@code file:line: target: why}. */
    static List<String> brokenLinks(Path root, List<Path> files) {
        Path repository = root.toAbsolutePath().normalize();
        Map<Path, Set<String>> anchorsByFile = new HashMap<>();
        List<String> broken = new ArrayList<>();
        for (Path file : files) {
            Path source = file.toAbsolutePath().normalize();
            List<String> lines = read(source);
            boolean fenced = false;
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (line.stripLeading().startsWith("```") || line.stripLeading().startsWith("~~~")) {
                    fenced = !fenced;
                    continue;
                }
                if (fenced) {
                    continue;
                }
                String text = CODE_SPAN.matcher(line).replaceAll("");
                List<String> targets = new ArrayList<>();
                Matcher inline = INLINE_LINK.matcher(text);
                while (inline.find()) {
                    targets.add(inline.group(1));
                }
                Matcher reference = REFERENCE.matcher(text);
                if (reference.find()) {
                    targets.add(reference.group(1));
                }
                for (String target : targets) {
                    String why = check(repository, source, unbracket(target), anchorsByFile);
                    if (why != null) {
                        broken.add(repository.relativize(source) + ":" + (i + 1) + ": " + unbracket(target) + ": " + why);
                    }
                }
            }
        }
        return broken;
    }

    /** Why {@code target}, linked from {@code source}, leads nowhere; null when it resolves or is not ours to check. */
    private static String check(Path repository, Path source, String target, Map<Path, Set<String>> anchorsByFile) {
        if (SCHEME.matcher(target).find() || target.startsWith("//")) {
            return null;
        }
        int hash = target.indexOf('#');
        String path = URLDecoder.decode(hash < 0 ? target : target.substring(0, hash), StandardCharsets.UTF_8);
        String anchor = hash < 0 ? null : URLDecoder.decode(target.substring(hash + 1), StandardCharsets.UTF_8);
        Path resolved = path.isEmpty() ? source : source.getParent().resolve(path).normalize();
        if (!resolved.startsWith(repository)) {
            return "outside the repository";
        }
        if (!Files.exists(resolved)) {
            return "no such file";
        }
        if (anchor == null || anchor.isEmpty()) {
            return null;
        }
        if (!resolved.getFileName().toString().endsWith(".md")) {
            return LINE_ANCHOR.matcher(anchor).matches() ? null : "an anchor into a file that is not Markdown";
        }
        Set<String> anchors = anchorsByFile.computeIfAbsent(resolved, MarkdownLinksTest::anchors);
        return anchors.contains(anchor) ? null
                : "no heading or anchor \"" + anchor + "\" in " + repository.relativize(resolved);
    }

    /** The anchors GitHub gives a Markdown file: one per heading (repeats numbered -1, -2, ...) and HTML anchors. */
    static Set<String> anchors(Path markdown) {
        Set<String> anchors = new LinkedHashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        boolean fenced = false;
        for (String line : read(markdown)) {
            if (line.stripLeading().startsWith("```") || line.stripLeading().startsWith("~~~")) {
                fenced = !fenced;
                continue;
            }
            if (fenced) {
                continue;
            }
            Matcher heading = ATX_HEADING.matcher(line);
            if (heading.matches()) {
                String slug = slug(heading.group(1));
                int repeats = seen.merge(slug, 1, Integer::sum) - 1;
                anchors.add(repeats == 0 ? slug : slug + "-" + repeats);
            }
            Matcher html = HTML_ANCHOR.matcher(line);
            while (html.find()) {
                anchors.add(html.group(1));
            }
        }
        return anchors;
    }

    /**
     * GitHub's heading id: the heading's text as rendered (code marks and link targets gone), lower case, without
     * punctuation other than {@code -} and {@code _}, spaces turned into {@code -} (each one: "a → b" is "a--b").
     */
    static String slug(String heading) {
        String text = heading.replaceAll("!?\\[([^\\]]*)\\]\\([^)]*\\)", "$1").replace("`", "");
        return text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}\\p{M}_\\- ]", "").replace(' ', '-');
    }

    private static String unbracket(String target) {
        return target.startsWith("<") && target.endsWith(">") ? target.substring(1, target.length() - 1) : target;
    }

    private static List<String> read(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
