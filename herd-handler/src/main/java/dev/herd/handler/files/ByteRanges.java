package dev.herd.handler.files;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * What a {@code Range} header field asks of a file of a known size (RFC 9110 §14.1.2, §14.2).
 *
 * <p>Several ranges are answered with one part when they overlap or touch (coalescing, which
 * §15.3.7 allows), else with the whole file: a server may ignore Range (§14.2), and a
 * {@code multipart/byteranges} body could not be sent as one zero-copy file region. Browsers
 * and download tools ask for one range; several disjoint ranges are rare.
 */
sealed interface ByteRanges {

    /** Send the whole file, 200: no Range, an invalid one, another unit, or disjoint ranges. */
    record Whole() implements ByteRanges {
    }

    /** Send {@code length} bytes from {@code first}, 206 with {@code Content-Range}. */
    record Part(long first, long length) implements ByteRanges {
        long last() {
            return first + length - 1;
        }
    }

    /** 416 with {@code Content-Range: bytes *}{@code /size}: no range overlaps the file. */
    record Unsatisfiable() implements ByteRanges {
    }

    ByteRanges WHOLE = new Whole();
    ByteRanges UNSATISFIABLE = new Unsatisfiable();

    /** Reads {@code ranges-specifier} for a file of {@code size} bytes. */
    static ByteRanges parse(String field, long size) {
        int eq = field.indexOf('=');
        // Range units are case-insensitive (§14.1); a server ignores a unit it does not know.
        if (eq < 0 || !field.substring(0, eq).strip().toLowerCase(Locale.ROOT).equals("bytes")) {
            return WHOLE;
        }
        List<Part> satisfiable = new ArrayList<>();
        boolean any = false;
        for (String element : field.substring(eq + 1).split(",", -1)) {
            String spec = element.strip();
            if (spec.isEmpty()) {
                continue; // #rule: empty list elements do not count (§5.6.1)
            }
            any = true;
            int dash = spec.indexOf('-');
            if (dash < 0) {
                return WHOLE;
            }
            String firstText = spec.substring(0, dash);
            String lastText = spec.substring(dash + 1);
            long first = number(firstText);
            long last = number(lastText);
            if (firstText.isEmpty()) {
                // suffix-range: the last N bytes; N = 0 is unsatisfiable, N > size is the whole file.
                if (last < 0) {
                    return WHOLE;
                }
                if (last > 0 && size > 0) {
                    long length = Math.min(last, size);
                    satisfiable.add(new Part(size - length, length));
                }
                continue;
            }
            if (first < 0 || !lastText.isEmpty() && (last < 0 || last < first)) {
                return WHOLE; // an invalid range-spec: the whole field is ignored (§14.1.1, §14.2)
            }
            if (first < size) {
                long end = lastText.isEmpty() ? size - 1 : Math.min(last, size - 1);
                satisfiable.add(new Part(first, end - first + 1));
            }
        }
        if (!any) {
            return WHOLE;
        }
        if (satisfiable.isEmpty()) {
            return UNSATISFIABLE;
        }
        return coalesce(satisfiable);
    }

    /** One part covering every range if they overlap or touch, else the whole file. */
    private static ByteRanges coalesce(List<Part> parts) {
        parts.sort(Comparator.comparingLong(Part::first));
        Part merged = parts.getFirst();
        for (Part next : parts.subList(1, parts.size())) {
            if (next.first() > merged.last() + 1) {
                return WHOLE;
            }
            long last = Math.max(merged.last(), next.last());
            merged = new Part(merged.first(), last - merged.first() + 1);
        }
        return merged;
    }

    /**
     * A run of decimal digits; -1 if empty or not digits. A number too large for a long is
     * {@link Long#MAX_VALUE}: past the end of any file, which is what it means.
     */
    private static long number(String digits) {
        if (digits.isEmpty()) {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value > (Long.MAX_VALUE - 9) / 10 ? Long.MAX_VALUE : value * 10 + (c - '0');
        }
        return value;
    }
}
