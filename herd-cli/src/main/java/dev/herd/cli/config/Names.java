package dev.herd.cli.config;

import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;

/** "Did you mean ...?" for a misspelt key or variable. */
final class Names {
    private Names() {
    }

    /** The candidate nearest to {@code name}, if one is near enough to be the likely intent. */
    static Optional<String> closest(String name, Collection<String> candidates) {
        // Two edits catch a dropped or doubled letter and '_' for '-'; longer names earn a third.
        int most = name.length() >= 9 ? 3 : 2;
        return candidates.stream()
                .filter(c -> distance(name, c) <= most)
                .min(Comparator.comparingInt(c -> distance(name, c)));
    }

    /** Levenshtein distance: the fewest insertions, deletions and substitutions from a to b. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
