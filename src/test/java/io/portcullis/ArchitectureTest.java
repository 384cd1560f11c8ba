package io.portcullis;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaFieldAccess;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.RequestScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The "May use:" sentence of every main package's {@code package-info.java} is the rule, and this test enforces
 * it on the compiled classes: a class of package {@code a} that refers to a class of our package {@code b} fails
 * the build unless {@code a}'s sentence names {@code b} (or {@code b} says every package may use it). The
 * sentence is read from the source, so the documentation and the check cannot drift apart: to allow a new
 * dependency, write it into the sentence, with its reason. Cycles between packages fail too, even between
 * packages whose sentences allow both directions.
 */
class ArchitectureTest {

    static final String BASE = "io.portcullis";
    private static final Path MAIN_SOURCES = Path.of("src/main/java/io/portcullis");
    private static final Path MAIN_CLASSES = Path.of("target/classes");

    /** {@code {@code name}}: how a package-info names another package. */
    private static final Pattern CODE_TAG = Pattern.compile("\\{@code ([^}]*)}");
    /** The sentence a leaf package uses to let every other package depend on it. */
    static final String EVERY_PACKAGE = "Every package may use it.";

    private static Map<String, Rule> rules;
    private static JavaClasses mainClasses;

    @BeforeAll
    static void readRulesAndClasses() {
        rules = readRules(MAIN_SOURCES);
        // Only the main classes (tests may reach into any package), read from Maven's output directory rather than
        // found through a class loader: in a JVM that ran @QuarkusTests the context class loader is Quarkus's.
        mainClasses = new ClassFileImporter().importPath(MAIN_CLASSES);
    }

    @Test
    void everyPackageStatesWhatItMayUse() {
        try (Stream<Path> dirs = Files.list(MAIN_SOURCES)) {
            List<String> packages = dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString()).sorted().toList();
            assertFalse(packages.isEmpty(), "no packages under " + MAIN_SOURCES.toAbsolutePath());
            Set<String> withRules = new TreeSet<>(rules.keySet());
            withRules.remove("");
            assertEquals(new TreeSet<>(packages), withRules,
                    "every package needs a package-info.java with a \"May use:\" sentence");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertTrue(mainClasses.size() > 100, "the compiled main classes were not found: " + mainClasses.size());
    }

    @Test
    void packagesUseOnlyWhatTheirPackageInfoAllows() {
        Set<String> universal = new TreeSet<>();
        rules.forEach((pkg, rule) -> {
            if (rule.usableByEveryPackage()) {
                universal.add(pkg);
            }
        });
        List<String> failures = new ArrayList<>();
        for (Map.Entry<String, Rule> entry : rules.entrySet()) {
            String pkg = entry.getKey();
            Rule rule = entry.getValue();
            if (rule.everything()) {
                continue;
            }
            List<String> forbidden = new ArrayList<>();
            for (String other : rules.keySet()) {
                if (!other.equals(pkg) && !rule.mayUse().contains(other) && !universal.contains(other)) {
                    forbidden.add(qualified(other));
                }
            }
            if (forbidden.isEmpty()) {
                continue;
            }
            ArchRule archRule = noClasses().that().resideInAPackage(qualified(pkg))
                    .should().dependOnClassesThat().resideInAnyPackage(forbidden.toArray(String[]::new))
                    .because("package-info.java of " + display(pkg) + " says \"May use: " + rule.sentence() + "\"");
            EvaluationResult result = archRule.evaluate(mainClasses);
            if (result.hasViolation()) {
                failures.add(result.getFailureReport().toString());
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    @Test
    void packagesFormNoCycle() {
        // Leaves of the root package (PortcullisMain) are the entry point; the rules already keep every package from
        // using it, so the slices are the named packages.
        slices().matching(BASE + ".(*)..").should().beFreeOfCycles().check(mainClasses);
    }

    /**
     * A bean of a normal scope ({@code @ApplicationScoped}, {@code @RequestScoped}) is injected as a client proxy,
     * a subclass whose own fields are never initialized: another class that reads such a bean's instance field
     * reads the proxy's default instead ({@code TlsHandshakes} once read {@code live.engine} as null and served
     * TLS with the JDK engine instead of OpenSSL). Other classes go through methods, which the proxy delegates.
     */
    @Test
    void normalScopedBeansAreReachedThroughMethodsNotFields() {
        ArchRule rule = classes().should(new ArchCondition<JavaClass>("reach other classes' normal-scoped beans through methods only") {
            @Override
            public void check(JavaClass accessor, ConditionEvents events) {
                for (JavaFieldAccess access : accessor.getFieldAccessesFromSelf()) {
                    JavaClass owner = access.getTargetOwner();
                    boolean otherBean = !owner.equals(accessor) && !isNestedIn(accessor, owner)
                            && (owner.isAnnotatedWith(ApplicationScoped.class) || owner.isAnnotatedWith(RequestScoped.class));
                    boolean instanceField = access.getTarget().resolveMember()
                            .map(f -> !f.getModifiers().contains(JavaModifier.STATIC)).orElse(true);
                    if (otherBean && instanceField) {
                        events.add(SimpleConditionEvent.violated(access, access.getDescription()));
                    }
                }
            }
        });
        rule.check(mainClasses);
    }

    private static boolean isNestedIn(JavaClass inner, JavaClass outer) {
        for (JavaClass c = inner; c.getEnclosingClass().isPresent(); ) {
            c = c.getEnclosingClass().get();
            if (c.equals(outer)) {
                return true;
            }
        }
        return false;
    }

    // --- reading the rules ---------------------------------------------------------------------------------------

    /**
     * What one package-info says: the "May use:" sentence as written, the packages it names, whether it allows
     * everything, and whether it lets every package use it.
     */
    record Rule(String sentence, Set<String> mayUse, boolean everything, boolean usableByEveryPackage) {}

    /** Reads the rule of the root package ("") and of every package directory under {@code root}. */
    static Map<String, Rule> readRules(Path root) {
        Map<String, String> texts = new TreeMap<>();
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : dirs.filter(Files::isDirectory).toList()) {
                texts.put(dir.getFileName().toString(), javadoc(dir.resolve("package-info.java")));
            }
            texts.put("", javadoc(root.resolve("package-info.java")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, Rule> parsed = new TreeMap<>();
        texts.forEach((pkg, text) -> parsed.put(pkg, parseRule(display(pkg), text, texts.keySet())));
        return parsed;
    }

    /** The package-info's comment as prose: comment markers and line breaks gone. */
    private static String javadoc(Path packageInfo) throws IOException {
        if (!Files.exists(packageInfo)) {
            throw new AssertionError(packageInfo + " is missing: every package states what it owns and may use");
        }
        String source = Files.readString(packageInfo);
        int end = source.indexOf("*/");
        String comment = end < 0 ? "" : source.substring(0, end);
        return comment.replaceAll("(?m)^\\s*/?\\*+ ?", " ").replaceAll("\\s+", " ").trim();
    }

    /**
     * Parses "May use: {@code a}, {@code b} (why), ...": the sentence runs to the first full stop outside
     * parentheses. "nothing of ours" allows none of our packages, "everything" allows all; otherwise every
     * {@code {@code name}} outside parentheses must name one of our packages (a typo fails rather than allowing
     * nothing), and those inside parentheses are explanation.
     */
    static Rule parseRule(String pkg, String javadoc, Set<String> known) {
        int start = javadoc.indexOf("May use:");
        if (start < 0) {
            throw new AssertionError("package-info.java of " + pkg + " has no \"May use:\" sentence");
        }
        String rest = javadoc.substring(start + "May use:".length()).trim();
        int depth = 0;
        int end = rest.length();
        StringBuilder outside = new StringBuilder();
        for (int i = 0; i < rest.length(); i++) {
            char c = rest.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == '.' && depth == 0 && (i + 1 == rest.length() || rest.charAt(i + 1) == ' ')) {
                end = i;
                break;
            } else if (depth == 0) {
                outside.append(c);
            }
        }
        String sentence = rest.substring(0, end);
        boolean usableByEvery = javadoc.contains(EVERY_PACKAGE);
        if (sentence.startsWith("nothing of ours")) {
            return new Rule(sentence, Set.of(), false, usableByEvery);
        }
        if (sentence.startsWith("everything")) {
            return new Rule(sentence, Set.of(), true, usableByEvery);
        }
        Set<String> names = new TreeSet<>();
        Matcher m = CODE_TAG.matcher(outside);
        while (m.find()) {
            String name = m.group(1);
            if (!known.contains(name) || name.isEmpty()) {
                throw new AssertionError("package-info.java of " + pkg + " may use {@code " + name
                        + "}, which is none of our packages " + known);
            }
            names.add(name);
        }
        if (names.isEmpty()) {
            throw new AssertionError("package-info.java of " + pkg + ": cannot read \"May use: " + sentence + "\"");
        }
        return new Rule(sentence, names, false, usableByEvery);
    }

    private static String qualified(String pkg) {
        return pkg.isEmpty() ? BASE : BASE + "." + pkg;
    }

    private static String display(String pkg) {
        return pkg.isEmpty() ? BASE : pkg;
    }

    // --- the reader itself, on samples: a rule it misreads would let a wrong-way import through ----------------

    @Test
    void readsNamesOutsideParenthesesUpToTheFullStop() {
        Rule rule = parseRule("sample",
                "Owns things. May use: {@code wire}, {@code log} (names like {@code api} in parentheses explain, Vert.x too)."
                        + " Later {@code config} is another sentence.",
                Set.of("wire", "log", "api", "config"));
        assertEquals(Set.of("wire", "log"), rule.mayUse());
        assertFalse(rule.everything());
    }

    @Test
    void readsNothingEverythingAndEveryPackage() {
        Set<String> known = Set.of("wire", "log");
        assertEquals(Set.of(), parseRule("wire", "May use: nothing of ours (Vert.x only).", known).mayUse());
        assertTrue(parseRule("observe", "May use: everything, read-only.", known).everything());
        assertTrue(parseRule("log", "May use: nothing of ours. " + EVERY_PACKAGE, known).usableByEveryPackage());
    }

    @Test
    void refusesAnUnknownPackageOrAMissingSentence() {
        Set<String> known = Set.of("wire");
        assertThrows(AssertionError.class, () -> parseRule("p", "May use: {@code wires}.", known));
        assertThrows(AssertionError.class, () -> parseRule("p", "Owns things.", known));
        assertThrows(AssertionError.class, () -> parseRule("p", "May use: the wire package.", known));
    }
}
