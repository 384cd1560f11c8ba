package io.portcullis.config;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Process-wide settings changed through the API ({@code PUT /api/v1/settings}): an override per
 * {@link Setting}, or none, and then the application property applies (see {@link GatewaySettings}, which
 * holds the values in force). A stored file without a {@code settings} object therefore means what it meant
 * before settings were stored: no migration. Immutable.
 *
 * <p>Stored as a JSON object keyed by each setting's {@link Setting#name() API name}, only the overrides set:
 * durations as {@link SettingDurations} text ({@code "30s"}), integers as numbers, text as strings. Reading is
 * strict like the rest of the store: an unknown key or a value of the wrong kind is refused naming the field.
 */
@JsonSerialize(using = SettingsConfig.Writer.class)
@JsonDeserialize(using = SettingsConfig.Reader.class)
public final class SettingsConfig extends SettingTable {

    /** Nothing set through the API: the application properties decide. */
    public static final SettingsConfig UNSET = new SettingsConfig(new Object[RuntimeSettings.ALL.size()]);

    /** @param values by {@link Setting#index()}; null = not set here */
    private SettingsConfig(Object[] values) {
        super(values);
    }

    /** These overrides with {@code setting} set to {@code value} (null: back to the property). */
    public <T> SettingsConfig with(Setting<T> setting, T value) {
        Object[] next = values.clone();
        next[setting.index()] = value;
        return new SettingsConfig(next);
    }

    /** These overrides with every one {@code other} sets replacing its counterpart. */
    public SettingsConfig withAll(SettingsConfig other) {
        Object[] next = values.clone();
        for (int i = 0; i < next.length; i++) {
            if (other.values[i] != null) {
                next[i] = other.values[i];
            }
        }
        return new SettingsConfig(next);
    }

    /** The names of the settings set here, in declaration order: for audit lines, which never carry values. */
    public List<String> overridden() {
        List<String> names = new ArrayList<>();
        for (Setting<?> s : RuntimeSettings.ALL) {
            if (values[s.index()] != null) {
                names.add(s.name());
            }
        }
        return names;
    }

    /**
     * One override as JSON carries it: a string for durations and text, a whole number for integers; JSON
     * {@code null} (or a missing node) clears it.
     *
     * @param field named in a refusal, e.g. {@code queryTimeout}
     * @throws ConfigException naming {@code field} for a value of the wrong kind
     */
    public static Object readJson(Setting<?> setting, JsonNode node, String field) {
        if (node == null || node.isNull()) {
            return null;
        }
        return switch (setting.kind()) {
            case DURATION -> {
                if (!node.isTextual()) {
                    throw new ConfigException(field + " must be a string such as " + SettingDurations.EXAMPLES);
                }
                yield setting.parse(node.textValue(), field);
            }
            case INTEGER -> {
                if (!node.isIntegralNumber() || !node.canConvertToInt()) {
                    throw new ConfigException(field + " must be a whole number between " + setting.minimum() + " and "
                            + setting.maximum());
                }
                yield node.intValue();
            }
            case TEXT -> {
                if (!node.isTextual()) {
                    throw new ConfigException(field + " must be a string");
                }
                yield node.textValue();
            }
        };
    }

    /** Writes the overrides set, in declaration order. */
    static final class Writer extends StdSerializer<SettingsConfig> {

        Writer() {
            super(SettingsConfig.class);
        }

        @Override
        public void serialize(SettingsConfig value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeStartObject();
            for (Map.Entry<String, Object> e : value.asJson().entrySet()) {
                gen.writeFieldName(e.getKey());
                provider.defaultSerializeValue(e.getValue(), gen);
            }
            gen.writeEndObject();
        }
    }

    /** Reads an object of overrides; unknown keys are refused as everywhere in the store. */
    static final class Reader extends StdDeserializer<SettingsConfig> {

        Reader() {
            super(SettingsConfig.class);
        }

        @Override
        public SettingsConfig deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            JsonNode tree = ctxt.readTree(p);
            if (tree == null || !tree.isObject()) {
                throw new ConfigException("settings must be an object");
            }
            Object[] values = new Object[RuntimeSettings.ALL.size()];
            for (Iterator<Map.Entry<String, JsonNode>> it = tree.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                Setting<?> setting = RuntimeSettings.byName(e.getKey()).orElseThrow(() -> UnrecognizedPropertyException.from(
                        p, SettingsConfig.class, e.getKey(), new ArrayList<>(RuntimeSettings.names())));
                values[setting.index()] = readJson(setting, e.getValue(), e.getKey());
            }
            return new SettingsConfig(values);
        }
    }
}
