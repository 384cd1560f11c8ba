package io.portcullis.config;

/**
 * Names of the settings this package reads (MicroProfile Config, so each also has an environment
 * form such as {@code PORTCULLIS_DATA_DIR}). Public names: see the README before changing one.
 */
public final class SettingNames {

    /** Directory holding {@code config.json}, its backup and {@code secret.key}. */
    public static final String DATA_DIR = "portcullis.data-dir";
    public static final String DATA_DIR_DEFAULT = "./data";

    /** Base64 of the 32-byte key that seals backend passwords; overrides {@code <data-dir>/secret.key}. */
    public static final String SECRET_KEY = "portcullis.secret-key";

    private SettingNames() {
    }
}
