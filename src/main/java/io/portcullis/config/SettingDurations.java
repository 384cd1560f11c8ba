package io.portcullis.config;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.Module;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import io.quarkus.runtime.configuration.DurationConverter;

import java.io.IOException;
import java.time.Duration;

/**
 * How the settings API, {@code config.json}, the PgBouncer import and the {@code portcullis.*} properties read a
 * duration: through Quarkus's own {@link DurationConverter}, so a value can be copied between them. A bare number
 * is seconds (as in {@code pgbouncer.ini}: {@code "30"}), a number with a unit is {@code "30s"}, {@code "500ms"},
 * {@code "5m"}, {@code "1h"}, {@code "2d"}, and ISO-8601 ({@code "PT30S"}) is accepted too. Negative values are
 * refused here; bounds are the {@link Setting}'s. Written back as whole seconds ({@code "30s"}) or, when that is
 * not exact, milliseconds ({@code "1500ms"}).
 */
public final class SettingDurations {

    /** What a person should write, quoted in every refusal. */
    public static final String EXAMPLES = "\"30s\", \"500ms\", \"5m\", \"1h\", \"30\" (seconds) or ISO-8601 \"PT30S\"";

    private SettingDurations() {
    }

    /**
     * @param field named in the refusal, e.g. {@code settings.queryTimeout}
     * @throws ConfigException when {@code text} is not a duration in one of the accepted forms, or negative
     */
    public static Duration parse(String text, String field) {
        if (text == null || text.isBlank()) {
            throw new ConfigException(field + " must be a duration such as " + EXAMPLES);
        }
        Duration parsed;
        try {
            parsed = DurationConverter.parseDuration(text.strip());
        } catch (IllegalArgumentException | ArithmeticException e) {
            parsed = null;
        }
        if (parsed == null || parsed.isNegative()) {
            throw new ConfigException(field + " must be a duration such as " + EXAMPLES + ", not '" + text + "'");
        }
        return parsed;
    }

    /** {@code "30s"} when whole seconds, else {@code "1500ms"} (sub-millisecond parts are dropped). */
    public static String format(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? (millis / 1000) + "s" : millis + "ms";
    }

    /** Jackson (de)serializers writing {@link Duration} in this form, for the configuration file. */
    public static Module jsonModule() {
        SimpleModule module = new SimpleModule("portcullis-setting-durations");
        module.addSerializer(Duration.class, new StdSerializer<>(Duration.class) {
            @Override
            public void serialize(Duration value, JsonGenerator gen, SerializerProvider provider) throws IOException {
                gen.writeString(format(value));
            }
        });
        module.addDeserializer(Duration.class, new StdDeserializer<>(Duration.class) {
            @Override
            public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                String field = p.currentName() == null ? "a duration" : p.currentName();
                if (p.currentToken() != JsonToken.VALUE_STRING) {
                    throw new ConfigException(field + " must be a string such as " + EXAMPLES);
                }
                return parse(p.getText(), field);
            }
        });
        return module;
    }
}
