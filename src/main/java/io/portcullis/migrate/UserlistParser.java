package io.portcullis.migrate;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads PgBouncer's {@code auth_file} ({@code userlist.txt}) the way PgBouncer does:
 * <pre>
 * "user" "password, md5 hash or SCRAM verifier" anything else is ignored
 * </pre>
 * Both fields are in double quotes, {@code ""} inside a field stands for one quote, whatever lies
 * between and after the fields is ignored, and only {@code ;} starts a comment line. PgBouncer
 * stops reading at the first line it cannot read (the users after it silently vanish); here such
 * a line is an error naming the line, so nothing is half-imported.
 */
public final class UserlistParser {

    /** The longest field accepted; PgBouncer's own limit on a stored secret. */
    public static final int MAX_FIELD_LENGTH = 65_531;

    private UserlistParser() {
    }

    /**
     * @param file the name reports use for this text
     * @throws PgBouncerSyntaxException at the first line PgBouncer could not read; the message never
     *                                  quotes the line
     */
    public static List<UserlistEntry> parse(String file, String text) {
        List<UserlistEntry> entries = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            int lineNo = i + 1;
            int pos = skipBlanks(line, 0);
            if (pos == line.length() || line.charAt(pos) == ';') {
                continue;
            }
            if (line.charAt(pos) != '"') {
                throw new PgBouncerSyntaxException(file, lineNo, line.charAt(pos) == '#'
                        ? "'#' does not start a comment in a userlist (PgBouncer stops reading the file here); use ';'"
                        : "expected \"user name\" \"password\" with both fields in double quotes");
            }
            StringBuilder user = new StringBuilder();
            pos = readField(line, pos + 1, user);
            if (pos < 0) {
                throw new PgBouncerSyntaxException(file, lineNo, "the user name needs a closing double quote");
            }
            int open = line.indexOf('"', pos);
            if (open < 0) {
                throw new PgBouncerSyntaxException(file, lineNo,
                        "expected a password in double quotes after the user name '" + user + "'");
            }
            StringBuilder secret = new StringBuilder();
            if (readField(line, open + 1, secret) < 0) {
                throw new PgBouncerSyntaxException(file, lineNo,
                        "the password of '" + user + "' needs a closing double quote");
            }
            if (user.length() > MAX_FIELD_LENGTH || secret.length() > MAX_FIELD_LENGTH) {
                throw new PgBouncerSyntaxException(file, lineNo, "a field is longer than " + MAX_FIELD_LENGTH + " characters");
            }
            entries.add(new UserlistEntry(file, lineNo, user.toString(), secret.toString()));
        }
        return entries;
    }

    /** @return the position after the closing quote, or -1 when the line ends first */
    private static int readField(String line, int from, StringBuilder out) {
        int pos = from;
        while (pos < line.length()) {
            char c = line.charAt(pos);
            if (c == '"') {
                if (pos + 1 < line.length() && line.charAt(pos + 1) == '"') {
                    out.append('"');
                    pos += 2;
                    continue;
                }
                return pos + 1;
            }
            out.append(c);
            pos++;
        }
        return -1;
    }

    private static int skipBlanks(String line, int from) {
        int pos = from;
        while (pos < line.length() && Character.isWhitespace(line.charAt(pos))) {
            pos++;
        }
        return pos;
    }
}
