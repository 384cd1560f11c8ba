package io.portcullis.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the entries of a (ustar) tar stream into memory: enough for Jib's OCI image tarball and its
 * layers, whose entries are small. Limits keep a broken file from exhausting the heap.
 */
final class OciTarball {

    private static final int BLOCK = 512;
    /** Far above any file in our image (the largest jar is a few MB). */
    private static final long MAX_ENTRY_BYTES = 256L * 1024 * 1024;

    private OciTarball() {
    }

    /** Entry name (without a leading "./" or "/") to content; directories map to empty arrays. */
    static Map<String, byte[]> read(InputStream in) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        byte[] header = new byte[BLOCK];
        while (in.readNBytes(header, 0, BLOCK) == BLOCK && header[0] != 0) {
            String name = text(header, 345, 155).isEmpty() ? text(header, 0, 100)
                    : text(header, 345, 155) + "/" + text(header, 0, 100);
            long size = Long.parseLong(text(header, 124, 12).isEmpty() ? "0" : text(header, 124, 12), 8);
            if (size > MAX_ENTRY_BYTES) {
                throw new IOException("tar entry " + name + " too large: " + size);
            }
            byte[] content = in.readNBytes((int) size);
            in.skipNBytes((BLOCK - size % BLOCK) % BLOCK);
            entries.put(name.replaceFirst("^\\.?/", ""), content);
        }
        return entries;
    }

    private static String text(byte[] header, int offset, int length) {
        int end = offset;
        while (end < offset + length && header[end] != 0) {
            end++;
        }
        return new String(header, offset, end - offset, StandardCharsets.US_ASCII).trim();
    }
}
