package io.portcullis.migrate;

import java.util.Map;
import java.util.Optional;

/**
 * Reads the file a {@code %include} line (or a {@code server_tls_*_file} setting) names. The REST API
 * resolves only the files the caller sent along (it never reads the server's disk on a caller's behalf);
 * the command line reads files.
 */
@FunctionalInterface
public interface IncludeResolver {

    /**
     * @param path          the path exactly as written after {@code %include}
     * @param includingFile the file that holds the {@code %include} line
     * @return the file's content, or empty when there is no such file
     * @throws java.io.UncheckedIOException when the file exists but cannot be read
     */
    Optional<String> read(String path, String includingFile);

    /** Resolves nothing: every {@code %include} fails with a message naming the file. */
    IncludeResolver NONE = (path, includingFile) -> Optional.empty();

    /**
     * Resolves from a map of path to content, as sent in an API request.
     *
     * @throws NullPointerException when a path or a content is null: the caller refuses such a request
     *                              first (the API answers 400 naming the entry)
     */
    static IncludeResolver of(Map<String, String> files) {
        Map<String, String> copy = files == null ? Map.of() : Map.copyOf(files);
        return (path, includingFile) -> Optional.ofNullable(copy.get(path));
    }
}
