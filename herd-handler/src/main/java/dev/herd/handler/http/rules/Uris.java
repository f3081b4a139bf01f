package dev.herd.handler.http.rules;

/** Character classes of RFC 3986, for request targets and hosts. ASCII only. */
final class Uris {
    private Uris() {
    }

    static boolean isAlpha(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    static boolean isHex(char c) {
        return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    /** ALPHA / DIGIT / "-" / "." / "_" / "~" */
    static boolean isUnreserved(char c) {
        return isAlpha(c) || isDigit(c) || c == '-' || c == '.' || c == '_' || c == '~';
    }

    /** "!" / "$" / "&" / "'" / "(" / ")" / "*" / "+" / "," / ";" / "=" */
    static boolean isSubDelim(char c) {
        return switch (c) {
            case '!', '$', '&', '\'', '(', ')', '*', '+', ',', ';', '=' -> true;
            default -> false;
        };
    }

    /** {@code "%" HEXDIG HEXDIG} at {@code at}. */
    static boolean isPercentEncoded(String s, int at) {
        return at + 2 < s.length() && s.charAt(at) == '%' && isHex(s.charAt(at + 1)) && isHex(s.charAt(at + 2));
    }

    /**
     * Whether {@code s} from {@code from} is {@code path-abempty [ "?" query ]}: pchars and "/",
     * then after a "?" pchars, "/" and "?" (RFC 3986 §3.3, §3.4); no fragment.
     */
    static boolean isPathAndQuery(String s, int from) {
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (!isPercentEncoded(s, i)) {
                    return false;
                }
                i += 2;
            } else if (!isUnreserved(c) && !isSubDelim(c) && c != ':' && c != '@' && c != '/' && c != '?') {
                return false;
            }
        }
        return true;
    }
}
