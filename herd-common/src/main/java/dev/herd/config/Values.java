package dev.herd.config;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parsers for option values. Durations and sizes always carry a unit, as in nginx: a bare number
 * is refused, because "30" could mean seconds to one reader and milliseconds to another.
 */
public final class Values {
    public static final String DURATION_FORMS = "a number with a unit: 500ms, 30s, 2m or 1h";
    public static final String SIZE_FORMS = "a number with a unit: 512k, 64m or 1g (or 100b for bytes)";

    private static final Pattern DURATION = Pattern.compile("(\\d{1,12})(ms|s|m|h)");
    private static final Pattern SIZE = Pattern.compile("(\\d{1,12})([bkmg])");

    private Values() {
    }

    public static Duration duration(String text) {
        Matcher m = DURATION.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("expected " + DURATION_FORMS);
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
    }

    /** The shortest exact text for a duration, as {@link #duration} reads it back. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0 && ms > 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0 && ms > 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }

    public static long size(String text) {
        Matcher m = SIZE.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("expected " + SIZE_FORMS);
        }
        long n = Long.parseLong(m.group(1));
        int shift = switch (m.group(2)) {
            case "b" -> 0;
            case "k" -> 10;
            case "m" -> 20;
            default -> 30;
        };
        if (n > (Long.MAX_VALUE >> shift)) {
            throw new IllegalArgumentException("size too large");
        }
        return n << shift;
    }

    public static int integer(String text, int min, int max) {
        return integerOr(text, min, max, null);
    }

    /**
     * As {@link #integer}, for a setting that also takes the word {@code alternative} (which the
     * caller reads itself): the message names it among the accepted forms.
     */
    static int integerOr(String text, int min, int max, String alternative) {
        try {
            int n = Integer.parseInt(text.strip());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // Same message as out of range.
        }
        throw new IllegalArgumentException("expected an integer from " + min + " to " + max
                + (alternative == null ? "" : ", or " + alternative));
    }

    public static boolean onOff(String text) {
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "on" -> true;
            case "off" -> false;
            default -> throw new IllegalArgumentException("expected on or off");
        };
    }

    /** The constant of {@code type} named {@code text}, in any case, '-' for '_' ({@code spring-boot}). */
    public static <E extends Enum<E>> E choice(Class<E> type, String text) {
        E[] constants = type.getEnumConstants();
        for (E e : constants) {
            if (choiceName(e).equalsIgnoreCase(text.strip())) {
                return e;
            }
        }
        List<String> names = java.util.Arrays.stream(constants).map(Values::choiceName).toList();
        throw new IllegalArgumentException("expected " + String.join(", ", names.subList(0, names.size() - 1))
                + (names.size() > 1 ? " or " : "") + names.getLast());
    }

    /** The constants of {@code type} as written, for a placeholder: {@code nio|epoll}. */
    public static String choiceLabel(Class<? extends Enum<?>> type) {
        return String.join("|", java.util.Arrays.stream(type.getEnumConstants()).map(Values::choiceName).toList());
    }

    /** How a constant is written in options and files: {@code SPRING_BOOT} as {@code spring-boot}. */
    public static String choiceName(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
