package io.portcullis.deploy;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.IOException;
import java.io.Reader;
import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Executable;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The application's real configuration as the deploy checks see it: every property name the code
 * reads (config mappings and {@code @ConfigProperty} injection points found in the compiled classes,
 * plus {@code application.properties}) with its default, so a manifest that names a setting or port
 * that no longer exists fails a test instead of a deployment.
 */
final class ApplicationSettings {

    /** Quarkus defaults the manifests rely on; an entry in application.properties overrides each. */
    private static final Map<String, String> QUARKUS_DEFAULTS = Map.of(
            "quarkus.http.port", "8080",
            "quarkus.http.non-application-root-path", "q",
            "quarkus.smallrye-health.root-path", "health",
            "quarkus.smallrye-health.liveness-path", "live",
            "quarkus.smallrye-health.readiness-path", "ready",
            "quarkus.smallrye-health.startup-path", "started",
            "quarkus.micrometer.export.prometheus.path", "metrics");

    /**
     * Settings other developers are building now (issue 3: certificate files; issue 6: drain), named
     * in the manifests already. Once the code reads them, their real defaults win; empty this map then.
     */
    private static final Map<String, String> ANNOUNCED = Map.of(
            "portcullis.tls.cert-file", "",
            "portcullis.tls.key-file", "",
            "portcullis.tls.client-ca-file", "",
            "portcullis.shutdown.timeout", "30s");

    private static final String UNCONFIGURED = ConfigProperty.UNCONFIGURED_VALUE;

    private final Map<String, String> defaults = new HashMap<>();

    private ApplicationSettings() {
    }

    static ApplicationSettings load() throws IOException {
        ApplicationSettings settings = new ApplicationSettings();
        settings.defaults.putAll(ANNOUNCED);
        settings.defaults.putAll(QUARKUS_DEFAULTS);
        settings.scanClasses(Path.of("target/classes"));
        // The runtime settings are read by their descriptors' property names, not through a config mapping.
        io.portcullis.config.RuntimeSettings.ALL.forEach(s -> settings.defaults.put(s.property(), s.defaultText()));
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(Path.of("src/main/resources/application.properties"))) {
            properties.load(reader);
        }
        properties.stringPropertyNames().stream()
                .filter(name -> !name.startsWith("%"))
                .forEach(name -> settings.defaults.put(name, properties.getProperty(name)));
        return settings;
    }

    /** The property an environment variable sets (MicroProfile Config's rule), if the code reads one. */
    Optional<String> propertyForEnv(String envName) {
        return defaults.keySet().stream().filter(name -> envName.equals(envName(name))).findFirst();
    }

    static String envName(String property) {
        return property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    boolean knows(String property) {
        return defaults.containsKey(property);
    }

    String defaultOf(String property) {
        String value = defaults.get(property);
        if (value == null) {
            throw new IllegalStateException("the application does not read " + property);
        }
        return value;
    }

    int wirePort() {
        return Integer.parseInt(defaultOf("portcullis.listen.port"));
    }

    int httpPort() {
        return Integer.parseInt(defaultOf("quarkus.http.port"));
    }

    /** Health endpoint of one probe kind: {@code live}, {@code ready} or {@code started}. */
    String healthPath(String kind) {
        String check = switch (kind) {
            case "live" -> "liveness";
            case "ready" -> "readiness";
            case "started" -> "startup";
            default -> throw new IllegalArgumentException(kind);
        };
        return "/" + defaultOf("quarkus.http.non-application-root-path") + "/"
                + defaultOf("quarkus.smallrye-health.root-path") + "/"
                + defaultOf("quarkus.smallrye-health." + check + "-path");
    }

    String metricsPath() {
        return "/" + defaultOf("quarkus.http.non-application-root-path") + "/"
                + defaultOf("quarkus.micrometer.export.prometheus.path");
    }

    Duration drainTimeout() {
        return Duration.parse("PT" + defaultOf("portcullis.shutdown.timeout").toUpperCase(Locale.ROOT));
    }

    private void scanClasses(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            throw new IllegalStateException(root + " is missing: compile first");
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = root.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
                scanClass(load(name));
            }
        }
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name, false, ApplicationSettings.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalStateException("cannot load " + name, e);
        }
    }

    private void scanClass(Class<?> type) {
        ConfigMapping mapping = type.getAnnotation(ConfigMapping.class);
        if (mapping != null) {
            addMapping(mapping.prefix(), type);
        }
        for (var field : type.getDeclaredFields()) {
            addConfigProperty(field);
        }
        Stream.concat(Stream.of(type.getDeclaredConstructors()), Stream.of(type.getDeclaredMethods()))
                .map(Executable::getParameters)
                .flatMap(Stream::of)
                .forEach(this::addConfigProperty);
    }

    private void addConfigProperty(AnnotatedElement element) {
        ConfigProperty property = element.getAnnotation(ConfigProperty.class);
        if (property != null && !property.name().isEmpty()) {
            defaults.put(property.name(), UNCONFIGURED.equals(property.defaultValue()) ? "" : property.defaultValue());
        }
    }

    private void addMapping(String prefix, Class<?> type) {
        for (Method method : type.getMethods()) {
            if (Modifier.isStatic(method.getModifiers()) || method.isDefault() || method.getParameterCount() > 0) {
                continue;
            }
            WithName withName = method.getAnnotation(WithName.class);
            String name = prefix + "." + (withName != null ? withName.value() : kebab(method.getName()));
            Class<?> returned = method.getReturnType();
            if (returned.isInterface() && returned.getName().startsWith("io.portcullis.")
                    && !hasAnnotation(returned, ConfigMapping.class)) {
                addMapping(name, returned);
                continue;
            }
            WithDefault withDefault = method.getAnnotation(WithDefault.class);
            defaults.put(name, withDefault != null ? withDefault.value() : "");
        }
    }

    private static boolean hasAnnotation(Class<?> type, Class<? extends Annotation> annotation) {
        return type.getAnnotation(annotation) != null;
    }

    /** SmallRye Config's default naming: {@code clientLoginTimeout} is {@code client-login-timeout}. */
    static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    /** Names of every property the application reads, for failure messages. */
    List<String> names() {
        return defaults.keySet().stream().sorted().toList();
    }
}
