package dev.herd.os;

/** The signals herd sends or handles, with their Linux numbers. */
public enum Signal {
    HUP(1), INT(2), QUIT(3), KILL(9), USR1(10), USR2(12), TERM(15), CONT(18), STOP(19), TTIN(21), TTOU(22);

    private final int number;

    Signal(int number) {
        this.number = number;
    }

    public int number() {
        return number;
    }

    /** The name with its SIG prefix, as operators know it. */
    public String fullName() {
        return "SIG" + name();
    }

    /** "SIGKILL" for 9, or "signal 42" for one this enum does not name. */
    public static String describe(int number) {
        for (Signal s : values()) {
            if (s.number == number) {
                return s.fullName();
            }
        }
        return "signal " + number;
    }
}
