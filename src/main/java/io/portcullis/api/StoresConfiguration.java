package io.portcullis.api;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a resource method that writes a new configuration version to the {@link io.portcullis.config.ConfigStore}.
 * Such a write can fail in two ways no other operation can: the shared store cannot be reached (503) and the
 * embedded store cannot write its file (507). {@link ApiDocumentation} documents both on every marked operation;
 * {@code AuthorizationMatrixTest} checks the marks against what each operation does to the stored version.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@interface StoresConfiguration {
}
