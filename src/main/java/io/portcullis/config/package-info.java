/**
 * The configuration: an immutable model ({@link io.portcullis.config.GatewayConfig} and its records),
 * its validation, the {@link io.portcullis.config.ConfigStore} that persists it (an embedded JSON file
 * by default, {@link io.portcullis.config.PostgresConfigStore} shared by replicas, chosen by
 * {@link io.portcullis.config.ConfigStoreProducer}) and the one change event published after every stored
 * write or, with the shared store, after every newer version another replica stored. Also the sealing of
 * backend secrets at rest ({@link io.portcullis.config.SecretBox}), and the process-wide settings in force
 * ({@link io.portcullis.config.LiveSettings}: stored overrides over the application property defaults).
 *
 * <p>May use: nothing of ours. Everything else reads configuration through this package.
 */
package io.portcullis.config;
