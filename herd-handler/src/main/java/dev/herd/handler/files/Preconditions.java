package dev.herd.handler.files;

import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;

import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/**
 * The conditional request header fields of a GET or HEAD for a file that exists (RFC 9110 §13),
 * evaluated in the order of §13.2.2, and {@code If-Range} (§13.1.5).
 */
final class Preconditions {

    /** What the conditions decide. */
    enum Outcome {
        /** Answer as if there were no conditions (a Range may still apply). */
        PROCEED,
        /** 304: the client's copy is current. */
        NOT_MODIFIED,
        /** 412: the client wanted a state the file is not in. */
        PRECONDITION_FAILED
    }

    private Preconditions() {
    }

    static Outcome evaluate(HttpHeaders headers, Validators file) {
        // §13.2.2 steps 1 and 2: If-Match, or else If-Unmodified-Since.
        String ifMatch = list(headers, HttpHeaderNames.IF_MATCH);
        if (ifMatch != null) {
            if (!matches(ifMatch, file.etag(), true)) {
                return Outcome.PRECONDITION_FAILED;
            }
        } else {
            Long since = date(headers, HttpHeaderNames.IF_UNMODIFIED_SINCE);
            if (since != null && file.lastModifiedSeconds() > since) {
                return Outcome.PRECONDITION_FAILED;
            }
        }
        // Steps 3 and 4: If-None-Match, or else If-Modified-Since (for GET and HEAD, the only
        // methods served, a false condition is 304).
        String ifNoneMatch = list(headers, HttpHeaderNames.IF_NONE_MATCH);
        if (ifNoneMatch != null) {
            return matches(ifNoneMatch, file.etag(), false) ? Outcome.NOT_MODIFIED : Outcome.PROCEED;
        }
        Long since = date(headers, HttpHeaderNames.IF_MODIFIED_SINCE);
        if (since != null && file.lastModifiedSeconds() <= since) {
            return Outcome.NOT_MODIFIED;
        }
        return Outcome.PROCEED;
    }

    /**
     * Whether a Range applies (§13.1.5): always without {@code If-Range}; with an entity tag only
     * if it matches strongly, with a date only if it is exactly the modification date. A weak or
     * unreadable validator is false: the client then gets the whole file, never a piece of a
     * representation it does not have.
     */
    static boolean rangeApplies(HttpHeaders headers, Validators file) {
        String ifRange = headers.get(HttpHeaderNames.IF_RANGE);
        if (ifRange == null) {
            return true;
        }
        String value = ifRange.strip();
        if (value.startsWith("\"") || value.startsWith("W/")) {
            List<EntityTag> tags = EntityTag.parseList(value);
            return tags != null && tags.size() == 1 && tags.getFirst().strongMatch(file.etag());
        }
        Date date = DateFormatter.parseHttpDate(value);
        return date != null && date.getTime() / 1000 == file.lastModifiedSeconds();
    }

    /** The members of every line of a list field, joined (RFC 9110 §5.3), or null if absent. */
    private static String list(HttpHeaders headers, CharSequence name) {
        if (!headers.contains(name)) {
            return null; // most requests have none: no list to make for them
        }
        List<String> lines = headers.getAll(name);
        return lines.isEmpty() ? null : String.join(",", lines);
    }

    /**
     * A date field in seconds, or null when it should be ignored (§13.1.3, §13.1.4): absent, not
     * an HTTP-date, or given more than once.
     */
    private static Long date(HttpHeaders headers, CharSequence name) {
        if (!headers.contains(name)) {
            return null;
        }
        List<String> lines = headers.getAll(name);
        if (lines.size() != 1) {
            return null;
        }
        Date date = DateFormatter.parseHttpDate(lines.getFirst());
        return date == null ? null : Math.floorDiv(date.getTime(), 1000);
    }

    /**
     * {@code *} or a list of entity tags against the file's tag: strong comparison for If-Match
     * (§13.1.1), weak for If-None-Match (§13.1.2). A list that cannot be read matches nothing.
     */
    private static boolean matches(String field, String etag, boolean strong) {
        if (field.strip().equals("*")) {
            return true; // the file exists
        }
        List<EntityTag> tags = EntityTag.parseList(field);
        if (tags == null) {
            return false;
        }
        for (EntityTag tag : tags) {
            if (strong ? tag.strongMatch(etag) : tag.weakMatch(etag)) {
                return true;
            }
        }
        return false;
    }

    /**
     * One entity tag of a request (§8.8.3).
     *
     * @param opaque the tag with its quotes, as the file's own tag is kept
     */
    record EntityTag(boolean weak, String opaque) {

        boolean strongMatch(String strongTag) {
            return !weak && opaque.equals(strongTag);
        }

        boolean weakMatch(String strongTag) {
            return opaque.equals(strongTag);
        }

        /**
         * {@code #entity-tag}: tags separated by commas and optional white space. A quoted tag
         * may hold commas, so the list is read tag by tag, not split. Null if malformed.
         */
        static List<EntityTag> parseList(String field) {
            List<EntityTag> tags = new ArrayList<>();
            int i = 0;
            int n = field.length();
            while (true) {
                while (i < n && (field.charAt(i) == ',' || field.charAt(i) == ' ' || field.charAt(i) == '\t')) {
                    i++;
                }
                if (i == n) {
                    return tags;
                }
                boolean weak = field.startsWith("W/", i);
                if (weak) {
                    i += 2;
                }
                int close = i < n && field.charAt(i) == '"' ? field.indexOf('"', i + 1) : -1;
                if (close < 0) {
                    return null;
                }
                tags.add(new EntityTag(weak, field.substring(i, close + 1)));
                i = close + 1;
                if (i < n && field.charAt(i) != ',' && field.charAt(i) != ' ' && field.charAt(i) != '\t') {
                    return null;
                }
            }
        }
    }
}
