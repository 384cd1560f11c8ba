package io.portcullis.admin;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads one admin console command from a simple Query's text, as PgBouncer does: keywords in any
 * case, arguments separated by white space, an optional trailing semicolon, one command per query.
 * A database argument may be double-quoted. Anything else is a syntax error (42601) that names the
 * commands the console knows.
 */
final class CommandParser {

    /** Commands are a few words; a longer text is not one of them, and is not echoed back whole. */
    static final int MAX_COMMAND_LENGTH = 1024;
    /** How much of an unknown command the error message quotes. */
    private static final int MAX_QUOTED = 80;
    static final String KNOWN = "SHOW POOLS|CLIENTS|SERVERS|STATS|STATS_TOTALS|STATS_AVERAGES|TOTALS|DATABASES|USERS"
            + "|CONFIG|LISTS|VERSION|PEERS|STATE|FDS|MEM|HELP, SET key = value, RELOAD, PAUSE [db], RESUME [db], RECONNECT [db],"
            + " KILL [db], KILL_CLIENT id, DISABLE db, ENABLE db, WAIT_CLOSE [db], SHUTDOWN";

    private static final Pattern WHITESPACE = Pattern.compile("\\s+");
    private static final Pattern SET = Pattern.compile("(?is)SET\\s+([A-Za-z_][A-Za-z0-9_]*)\\s*(?:=|\\s+TO\\s+)\\s*(.*)");

    private CommandParser() {
    }

    /** @throws ConsoleError 42601 for anything that is not exactly one known command */
    static ConsoleCommand parse(String query) {
        String text = stripTerminators(query);
        if (text.isEmpty()) {
            return new ConsoleCommand.Empty();
        }
        if (text.length() > MAX_COMMAND_LENGTH || text.indexOf(';') >= 0) {
            throw unknown(text);
        }
        Matcher set = SET.matcher(text);
        if (set.matches()) {
            return new ConsoleCommand.Set(set.group(1).toLowerCase(Locale.ROOT), unquote(set.group(2).strip(), '\''));
        }
        List<String> words = List.of(WHITESPACE.split(text));
        String verb = words.get(0).toUpperCase(Locale.ROOT);
        List<String> args = words.subList(1, words.size());
        return switch (verb) {
            case "SHOW" -> new ConsoleCommand.Show(showTarget(text, args));
            case "PAUSE" -> new ConsoleCommand.Pause(optionalDatabase(text, args));
            case "RESUME" -> new ConsoleCommand.Resume(optionalDatabase(text, args));
            case "RECONNECT" -> new ConsoleCommand.Reconnect(optionalDatabase(text, args));
            case "KILL" -> new ConsoleCommand.Kill(optionalDatabase(text, args));
            case "WAIT_CLOSE" -> new ConsoleCommand.WaitClose(optionalDatabase(text, args));
            case "DISABLE" -> new ConsoleCommand.Disable(requiredDatabase(verb, text, args));
            case "ENABLE" -> new ConsoleCommand.Enable(requiredDatabase(verb, text, args));
            case "KILL_CLIENT" -> new ConsoleCommand.KillClient(clientId(text, args));
            case "SHUTDOWN" -> {
                if (args.isEmpty() || (args.size() == 1 && args.get(0).equalsIgnoreCase("WAIT_FOR_CLIENTS"))) {
                    yield new ConsoleCommand.Shutdown();
                }
                throw ConsoleError.syntax("SHUTDOWN takes no argument (it waits for clients, like WAIT_FOR_CLIENTS)");
            }
            case "RELOAD" -> {
                if (!args.isEmpty()) {
                    throw ConsoleError.syntax("RELOAD takes no argument");
                }
                yield new ConsoleCommand.Reload();
            }
            case "SUSPEND" -> throw new ConsoleError(ConsoleError.FEATURE_NOT_SUPPORTED, "SUSPEND is not supported: it "
                    + "prepares PgBouncer's online restart (handing its sockets to a new process), which Portcullis does "
                    + "not do; use PAUSE to hold the backends, or SHUTDOWN (SIGTERM) for a graceful drain");
            default -> throw unknown(text);
        };
    }

    /** Trailing semicolons and white space go; so does leading white space. */
    private static String stripTerminators(String query) {
        String text = query == null ? "" : query.strip();
        while (text.endsWith(";")) {
            text = text.substring(0, text.length() - 1).strip();
        }
        return text;
    }

    private static ConsoleCommand.ShowTarget showTarget(String text, List<String> args) {
        if (args.size() != 1) {
            throw unknown(text);
        }
        try {
            return ConsoleCommand.ShowTarget.valueOf(args.get(0).toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw unknown(text);
        }
    }

    private static Optional<String> optionalDatabase(String text, List<String> args) {
        if (args.size() > 1) {
            throw unknown(text);
        }
        return args.isEmpty() ? Optional.empty() : Optional.of(unquote(args.get(0), '"'));
    }

    private static String requiredDatabase(String verb, String text, List<String> args) {
        if (args.isEmpty()) {
            throw ConsoleError.syntax(verb + " needs a database: " + verb + " db");
        }
        return optionalDatabase(text, args).orElseThrow();
    }

    private static int clientId(String text, List<String> args) {
        if (args.size() != 1) {
            throw ConsoleError.syntax("KILL_CLIENT needs the id of a client, as SHOW CLIENTS lists it");
        }
        try {
            return Integer.parseInt(args.get(0));
        } catch (NumberFormatException e) {
            throw ConsoleError.syntax("invalid client id '" + quoted(args.get(0)) + "': use an id from SHOW CLIENTS");
        }
    }

    private static String unquote(String value, char quote) {
        if (value.length() >= 2 && value.charAt(0) == quote && value.charAt(value.length() - 1) == quote) {
            String doubled = String.valueOf(quote) + quote;
            return value.substring(1, value.length() - 1).replace(doubled, String.valueOf(quote));
        }
        return value;
    }

    private static ConsoleError unknown(String text) {
        return ConsoleError.syntax("syntax error: invalid command '" + quoted(text) + "'; the console knows " + KNOWN);
    }

    private static String quoted(String text) {
        return text.length() > MAX_QUOTED ? text.substring(0, MAX_QUOTED) + "..." : text;
    }
}
