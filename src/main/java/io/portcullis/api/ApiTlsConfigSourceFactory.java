package io.portcullis.api;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;
import org.eclipse.microprofile.config.spi.ConfigSource;

import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * One setting turns the HTTP port (API, health, metrics) into HTTPS: {@value #SETTING} = {@code off} (the
 * default), {@value GatewayCertificateForHttp#NAME} (the wire listener's own certificate, rotated with it), or
 * the name of a Quarkus TLS configuration ({@code quarkus.tls.<name>.*}, e.g. PEM files with a reload period).
 *
 * <p>Quarkus serves HTTPS on {@code quarkus.http.ssl-port} next to plain HTTP unless told otherwise, and
 * refuses {@code quarkus.http.insecure-requests=disabled} without TLS, so the Quarkus settings cannot simply
 * be fixed in application.properties. This source derives them from {@value #SETTING} when it is on: the TLS
 * configuration name, HTTPS on the HTTP port ({@code quarkus.http.port}, in tests {@code test-port}) and no
 * plain HTTP. It ranks below application.properties and the environment, so any of them set explicitly wins.
 */
public class ApiTlsConfigSourceFactory implements ConfigSourceFactory {

    static final String SETTING = "portcullis.api.tls";
    static final String OFF = "off";
    /** Below application.properties in the application (250) and environment variables (300). */
    static final int ORDINAL = 200;

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        ConfigValue value = context.getValue(SETTING);
        Map<String, String> derived = derive(value == null ? null : value.getValue());
        return derived.isEmpty() ? List.of() : List.of(new PropertiesConfigSource(derived, SETTING, ORDINAL));
    }

    @Override
    public OptionalInt getPriority() {
        return OptionalInt.of(ORDINAL);
    }

    /** The Quarkus settings {@code setting} stands for; none when it is off. */
    static Map<String, String> derive(String setting) {
        String name = setting == null ? OFF : setting.strip();
        if (name.isEmpty() || name.equals(OFF)) {
            return Map.of();
        }
        return Map.of(
                "quarkus.http.tls-configuration-name", name,
                "quarkus.http.insecure-requests", "disabled",
                "quarkus.http.ssl-port", "${quarkus.http.port:8080}",
                "quarkus.http.test-ssl-port", "${quarkus.http.test-port:8081}");
    }
}
