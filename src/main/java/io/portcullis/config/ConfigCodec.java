package io.portcullis.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.quarkus.runtime.annotations.RegisterForReflection;

import java.io.IOException;

/**
 * The stored form of a snapshot, shared by every {@link ConfigStore}: a {@link ConfigDocument} as JSON,
 * strict on reading (unknown fields, trailing tokens and a foreign format are refused) and validated by
 * {@link ConfigValidator}, so a damaged or hand-edited document never reaches the gateway.
 *
 * <p>The document's records are read and written by Jackson through reflection: registered here for the
 * native image.
 */
@RegisterForReflection(targets = {ConfigDocument.class, GatewayConfig.class, DatabaseConfig.class,
        UserConfig.class, ApiToken.class, ServerTls.class, PoolMode.class, AuthMethod.class, TlsConfig.class,
        NamedCertificate.class, AcmeConfig.class, AcmeConfig.Lease.class, AcmeChallengeType.class, SettingsConfig.class, SettingsConfig.Writer.class,
        SettingsConfig.Reader.class, PoolHold.class, LoadBalanceHosts.class, TargetSessionAttrs.class,
        DatabaseConfig.DefaultValue.class, AuthLookup.class})
final class ConfigCodec {

    private final ObjectMapper mapper = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .addModule(SettingDurations.jsonModule())
            .build();

    /**
     * @throws ConfigException when the bytes are not a valid document; the message says what is wrong
     *                         and where, never quoting content (it may hold sealed values and hashes)
     */
    GatewayConfig parse(byte[] bytes) {
        ConfigDocument document;
        try {
            document = mapper.readValue(bytes, ConfigDocument.class);
        } catch (JacksonException e) {
            throw new ConfigException(describe(e), e);
        } catch (IOException e) {
            throw new ConfigException("it cannot be read: " + e.getMessage(), e);
        }
        if (document == null || document.config() == null) {
            throw new ConfigException("it holds no configuration");
        }
        if (document.format() != ConfigDocument.CURRENT_FORMAT) {
            throw new ConfigException("it is in format " + document.format() + ", but this Portcullis reads format "
                    + ConfigDocument.CURRENT_FORMAT + (document.format() > ConfigDocument.CURRENT_FORMAT
                    ? " (written by a newer version?)" : ""));
        }
        GatewayConfig config = document.config();
        ConfigValidator.validate(config);
        return config;
    }

    byte[] serialize(GatewayConfig config) {
        try {
            return mapper.writeValueAsBytes(new ConfigDocument(ConfigDocument.CURRENT_FORMAT, config));
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialize the configuration", e);
        }
    }

    private static String describe(JacksonException e) {
        var location = e.getLocation();
        String where = location == null ? "" : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
        if (e instanceof com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException unknown) {
            return "unknown field '" + unknown.getPropertyName() + "'" + where;
        }
        if (e instanceof com.fasterxml.jackson.core.io.JsonEOFException
                || String.valueOf(e.getOriginalMessage()).startsWith("Unexpected end-of-input")) {
            return "it ends early (truncated)" + where;
        }
        if (e instanceof com.fasterxml.jackson.databind.DatabindException) {
            Throwable cause = e.getCause();
            if (cause instanceof ConfigException config) {
                return config.getMessage() + where;
            }
            return "it does not match the configuration format" + where;
        }
        return "it is not valid JSON (truncated or damaged)" + where;
    }
}
