package io.portcullis.migrate;

/**
 * The files of one import.
 *
 * @param iniName      the name reports use for the ini file
 * @param ini          content of {@code pgbouncer.ini}
 * @param userlistName the name reports use for the userlist
 * @param userlist     content of {@code userlist.txt}, or null for none
 * @param includes     reads the files {@code %include} lines and {@code server_tls_*_file} settings name
 */
public record ImportSources(String iniName, String ini, String userlistName, String userlist, IncludeResolver includes) {

    public static final String DEFAULT_INI_NAME = "pgbouncer.ini";
    public static final String DEFAULT_USERLIST_NAME = "userlist.txt";

    public ImportSources {
        if (ini == null) {
            throw new IllegalArgumentException("the ini content is required");
        }
        includes = includes == null ? IncludeResolver.NONE : includes;
    }
}
