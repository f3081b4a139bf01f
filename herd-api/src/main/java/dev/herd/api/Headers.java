package dev.herd.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * HTTP header fields: names compare case-insensitively (RFC 9110 §5.1), a name may have several
 * values, and iteration gives every field in the order it was sent or added.
 */
public interface Headers extends Iterable<Map.Entry<String, String>> {

    /** The first value of {@code name}. */
    Optional<String> first(String name);

    /** Every value of {@code name}, in order; empty when there is none. */
    List<String> all(String name);

    /** Whether at least one field has this name. */
    default boolean contains(String name) {
        return first(name).isPresent();
    }

    /** The distinct names, in order of first appearance. */
    default Set<String> names() {
        Set<String> lower = new LinkedHashSet<>();
        Set<String> names = new LinkedHashSet<>();
        for (Map.Entry<String, String> field : this) {
            if (lower.add(field.getKey().toLowerCase(Locale.ROOT))) {
                names.add(field.getKey());
            }
        }
        return Collections.unmodifiableSet(names);
    }

    /** The number of fields (a name sent twice counts twice). */
    int size();

    /** Whether there is no field at all. */
    default boolean isEmpty() {
        return size() == 0;
    }

    /** No fields. */
    static Headers empty() {
        return FieldList.EMPTY;
    }

    /**
     * Fields from alternating names and values: {@code Headers.of("Cache-Control", "no-store")}.
     *
     * @throws IllegalArgumentException for an odd count, or a name or value that is not a valid
     *                                  field (RFC 9110 §5.1, §5.5: no control character but HTAB)
     */
    static Headers of(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("expected names and values in pairs");
        }
        List<Map.Entry<String, String>> fields = new ArrayList<>(namesAndValues.length / 2);
        for (int i = 0; i < namesAndValues.length; i += 2) {
            fields.add(FieldList.field(namesAndValues[i], namesAndValues[i + 1]));
        }
        return new FieldList(fields);
    }

    /** These fields and one more at the end. */
    default Headers with(String name, String value) {
        List<Map.Entry<String, String>> fields = new ArrayList<>(size() + 1);
        forEach(fields::add);
        fields.add(FieldList.field(name, value));
        return new FieldList(fields);
    }

    /** These fields without any named {@code name}, and then {@code name: value}. */
    default Headers replacing(String name, String value) {
        List<Map.Entry<String, String>> fields = new ArrayList<>(size() + 1);
        for (Map.Entry<String, String> field : this) {
            if (!field.getKey().equalsIgnoreCase(name)) {
                fields.add(field);
            }
        }
        fields.add(FieldList.field(name, value));
        return new FieldList(fields);
    }
}

/** The immutable {@link Headers} of this package: a list of fields, searched linearly (few fields). */
final class FieldList implements Headers {
    static final FieldList EMPTY = new FieldList(List.of());

    private final List<Map.Entry<String, String>> fields;

    FieldList(List<Map.Entry<String, String>> fields) {
        this.fields = List.copyOf(fields);
    }

    static Map.Entry<String, String> field(String name, String value) {
        if (name == null || name.isEmpty() || !isToken(name)) {
            throw new IllegalArgumentException("invalid header name: '" + name + "'");
        }
        if (value == null) {
            throw new IllegalArgumentException("header " + name + " has no value");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            // RFC 9110 §5.5: visible characters, spaces, tabs and obs-text only. Above all no CR or
            // LF, which would end the field and start another (response splitting).
            if ((c < 0x20 && c != '\t') || c == 0x7f || c > 0xff) {
                throw new IllegalArgumentException("invalid character in the value of header " + name);
            }
        }
        return Map.entry(name, value);
    }

    /** RFC 9110 §5.6.2: a field name is a token. */
    static boolean isToken(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    @Override
    public Optional<String> first(String name) {
        for (Map.Entry<String, String> f : fields) {
            if (f.getKey().equalsIgnoreCase(name)) {
                return Optional.of(f.getValue());
            }
        }
        return Optional.empty();
    }

    @Override
    public List<String> all(String name) {
        List<String> values = new ArrayList<>(1);
        for (Map.Entry<String, String> f : fields) {
            if (f.getKey().equalsIgnoreCase(name)) {
                values.add(f.getValue());
            }
        }
        return Collections.unmodifiableList(values);
    }

    @Override
    public int size() {
        return fields.size();
    }

    @Override
    public Iterator<Map.Entry<String, String>> iterator() {
        return fields.iterator();
    }

    @Override
    public String toString() {
        return fields.toString();
    }
}
