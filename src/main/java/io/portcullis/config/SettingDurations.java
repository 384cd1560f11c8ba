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

import java.io.IOException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the settings API and {@code config.json} write a duration: a whole number with a unit,
 * {@code "30s"}, {@code "500ms"}, {@code "5m"}, {@code "1h"}, {@code "2d"} — the style of the
 * {@code portcullis.*} properties, so a value can be copied between the two — or ISO-8601
 * ({@code "PT30S"}). {@code "0"} is zero. Written back as whole seconds ({@code "30s"}) or, when that
 * is not exact, milliseconds ({@code "1500ms"}).
 */
public final class SettingDurations {

    /** What a person should write, quoted in every refusal. */
    public static final String EXAMPLES = "\"30s\", \"500ms\", \"5m\", \"1h\" or ISO-8601 \"PT30S\"";

    /** Twelve digits are far beyond any setting's range and cannot overflow a Duration. */
    private static final Pattern NUMBER_WITH_UNIT = Pattern.compile("(\\d{1,12})(ms|s|m|h|d)");

    private SettingDurations() {
    }

    /**
     * @param field named in the refusal, e.g. {@code settings.queryTimeout}
     * @throws ConfigException when {@code text} is not a duration in one of the accepted forms
     */
    public static Duration parse(String text, String field) {
        if (text == null) {
            throw new ConfigException(field + " must be a duration such as " + EXAMPLES);
        }
        String value = text.strip().toLowerCase(Locale.ROOT);
        if (value.equals("0")) {
            return Duration.ZERO;
        }
        Matcher m = NUMBER_WITH_UNIT.matcher(value);
        if (m.matches()) {
            long amount = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
        }
        if (value.startsWith("p")) {
            try {
                Duration parsed = Duration.parse(value.toUpperCase(Locale.ROOT));
                if (!parsed.isNegative()) {
                    return parsed;
                }
            } catch (DateTimeParseException e) {
                // refused below, with the accepted forms
            }
        }
        throw new ConfigException(field + " must be a duration such as " + EXAMPLES + ", not '" + text + "'");
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
