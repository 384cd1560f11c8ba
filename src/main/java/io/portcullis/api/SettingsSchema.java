package io.portcullis.api;

import io.portcullis.config.RuntimeSettings;
import io.portcullis.config.Setting;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.models.Components;
import org.eclipse.microprofile.openapi.models.media.Schema;

import java.math.BigDecimal;
import java.util.List;

/**
 * The OpenAPI schemas of the {@code /api/v1/settings} body ({@code Settings}) and of its {@code effective} and
 * {@code defaults} ({@code SettingsValues}), written from the {@link RuntimeSettings} descriptors so the document
 * lists exactly the settings the server reads, with their meaning, bounds, PgBouncer name and default.
 * Called by {@link ApiDocumentation} at build time.
 */
final class SettingsSchema {

    static final String SETTINGS = "Settings";
    static final String VALUES = "SettingsValues";

    private SettingsSchema() {
    }

    static void addTo(Components components) {
        Schema settings = OASFactory.createSchema().type(List.of(Schema.SchemaType.OBJECT))
                .description("Process-wide pool and session settings (PgBouncer's names in camelCase); null = the "
                        + "application property applies. Durations are strings: \"30s\", \"500ms\", \"5m\", \"1h\", "
                        + "\"30\" (seconds) or ISO-8601 \"PT30S\"");
        Schema values = OASFactory.createSchema().type(List.of(Schema.SchemaType.OBJECT))
                .description("A value for every setting; see Settings for their meaning");
        for (Setting<?> s : RuntimeSettings.ALL) {
            settings.addProperty(s.name(), bounded(s).description(describe(s)).examples(List.of(example(s))));
            values.addProperty(s.name(), typed(s));
        }
        settings.addProperty("effective", reference().readOnly(true)
                .description("the values in force now: the override, else the default; refused on writes"));
        settings.addProperty("defaults", reference().readOnly(true)
                .description("the application property defaults (each setting's property, see docs/settings.md); "
                        + "refused on writes"));
        components.addSchema(SETTINGS, settings);
        components.addSchema(VALUES, values);
    }

    private static Schema typed(Setting<?> s) {
        Schema schema = OASFactory.createSchema();
        if (s.kind() == Setting.Kind.INTEGER) {
            return schema.type(List.of(Schema.SchemaType.INTEGER)).format("int32");
        }
        return schema.type(List.of(Schema.SchemaType.STRING));
    }

    /** The type with the bounds a schema can state: integers' range, text's length. */
    private static Schema bounded(Setting<?> s) {
        Schema schema = typed(s);
        if (s.kind() == Setting.Kind.INTEGER) {
            schema.minimum(BigDecimal.valueOf(s.minimum())).maximum(BigDecimal.valueOf(s.maximum()));
        } else if (s.kind() == Setting.Kind.TEXT) {
            schema.maxLength((int) s.maximum());
        }
        return schema;
    }

    private static String describe(Setting<?> s) {
        return s.meaning() + " (" + s.bounds() + (s.pgbouncer() == null ? "" : "; PgBouncer " + s.pgbouncer()) + ")";
    }

    private static Object example(Setting<?> s) {
        return s.kind() == Setting.Kind.INTEGER ? s.defaultValue() : s.defaultText();
    }

    private static Schema reference() {
        return OASFactory.createSchema().ref("#/components/schemas/" + VALUES);
    }
}
