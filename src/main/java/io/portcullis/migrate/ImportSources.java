package io.portcullis.migrate;

import java.util.Map;
import java.util.Set;

/**
 * The files of one import.
 *
 * @param iniName      the name reports use for the ini file
 * @param ini          content of {@code pgbouncer.ini}
 * @param userlistName the name reports use for the userlist
 * @param userlist     content of {@code userlist.txt}, or null for none
 * @param includes     reads the files {@code %include} lines and {@code server_tls_*_file} settings name
 * @param sentIncludes the names of the files the caller sent along for {@code %include} lines and
 *                     {@code server_tls_*_file} settings (the API's {@code includes}); one that nothing
 *                     names is reported as unused
 * @param authFiles    reads the file {@code auth_file} names when {@code userlist} is null (the
 *                     command line); null where no file may be read (the API)
 */
public record ImportSources(String iniName, String ini, String userlistName, String userlist, IncludeResolver includes,
                            Set<String> sentIncludes, IncludeResolver authFiles) {

    public static final String DEFAULT_INI_NAME = "pgbouncer.ini";
    public static final String DEFAULT_USERLIST_NAME = "userlist.txt";

    public ImportSources {
        if (ini == null) {
            throw new IllegalArgumentException("the ini content is required");
        }
        includes = includes == null ? IncludeResolver.NONE : includes;
        sentIncludes = sentIncludes == null ? Set.of() : Set.copyOf(sentIncludes);
    }

    /** Files that come from elsewhere than the caller's request; nothing reads {@code auth_file}. */
    public ImportSources(String iniName, String ini, String userlistName, String userlist, IncludeResolver includes) {
        this(iniName, ini, userlistName, userlist, includes, Set.of(), null);
    }

    /**
     * The files of an API request: contents only, never a path on the server.
     *
     * @param includes the files {@code %include} lines and {@code server_tls_*_file} settings may name, by the
     *                 path as written; may be null, but no path or content in it may be
     */
    public static ImportSources sent(String ini, String userlist, Map<String, String> includes) {
        return new ImportSources(DEFAULT_INI_NAME, ini, DEFAULT_USERLIST_NAME, userlist, IncludeResolver.of(includes),
                includes == null ? Set.of() : includes.keySet(), null);
    }
}
