package io.portcullis.config;

import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.SmallRyeConfigBuilderCustomizer;

/**
 * Tells SmallRye Config that each runtime setting's property ({@link Setting#property()}) is read, though by no
 * config mapping: {@link LiveSettingsProducer} reads it by name. Without this, a property such as
 * {@code portcullis.listen.client-login-timeout} under the prefix of a mapping ({@code portcullis.listen}) is
 * refused at start as mapping to nothing. Only these exact names are exempt, so a misspelled property under a
 * mapped prefix is still refused. Registered in {@code META-INF/services}.
 */
public class RuntimeSettingsProperties implements SmallRyeConfigBuilderCustomizer {

    @Override
    public void configBuilder(SmallRyeConfigBuilder builder) {
        for (Setting<?> setting : RuntimeSettings.ALL) {
            builder.withMappingIgnore(setting.property());
        }
    }
}
