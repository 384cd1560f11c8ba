package io.portcullis.api;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.DatabindException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.portcullis.config.ConfigException;

import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Turns Jackson's parse errors into details a person can act on, naming the field. Jackson's own
 * messages are never passed on: they quote the offending input, which may be a password.
 */
final class JsonProblems {

    private JsonProblems() {
    }

    /** True when the body could not even be read as JSON (as opposed to JSON of the wrong shape). */
    static boolean isSyntaxError(Throwable e) {
        return e instanceof StreamReadException && !(e instanceof DatabindException);
    }

    static String describe(JacksonException e) {
        if (isSyntaxError(e)) {
            return syntax(e);
        }
        String field = fieldPath(e);
        if (e instanceof UnrecognizedPropertyException unknown) {
            return "unknown field '" + field + "'" + allowed(unknown.getKnownPropertyIds());
        }
        ConfigException config = findConfigException(e);
        if (config != null) {
            return config.getMessage();
        }
        if (e instanceof MismatchedInputException mismatch) {
            if (field.isEmpty()) {
                return "the request body must be a JSON object";
            }
            return field + " must be " + expected(mismatch.getTargetType());
        }
        return field.isEmpty() ? "the request body does not have the expected shape"
                : field + " has a value of the wrong kind";
    }

    private static String syntax(JacksonException e) {
        String original = Objects.toString(e.getOriginalMessage(), "");
        String reason = e instanceof JsonEOFException || original.startsWith("Unexpected end-of-input")
                ? "it ends early" : "it is not valid JSON";
        if (original.startsWith("Duplicate field ")) {
            // Jackson names only the field here, never a value.
            reason = "it has a d" + original.substring(1).replaceAll("\\s+", " ");
        }
        return "the request body cannot be read: " + reason + at(e.getLocation());
    }

    private static String at(JsonLocation location) {
        if (location == null || location.getLineNr() < 1) {
            return "";
        }
        return " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }

    /** {@code databases[1]}-style path of the value at fault; empty for the whole body. */
    static String fieldPath(JacksonException e) {
        if (!(e instanceof JsonMappingException mapping)) {
            return "";
        }
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : mapping.getPath()) {
            if (ref.getFieldName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static String allowed(Collection<Object> known) {
        if (known == null || known.isEmpty()) {
            return "";
        }
        List<String> names = known.stream().map(String::valueOf).sorted().collect(Collectors.toList());
        return "; allowed fields: " + String.join(", ", names);
    }

    private static String expected(Class<?> type) {
        if (type == null) {
            return "of another kind";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "an integer";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        if (type.isEnum()) {
            return "a string";
        }
        return "a JSON object";
    }

    private static ConfigException findConfigException(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConfigException config) {
                return config;
            }
        }
        return null;
    }
}
