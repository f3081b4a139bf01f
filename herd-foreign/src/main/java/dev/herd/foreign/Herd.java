package dev.herd.foreign;

/**
 * What a framework integration (herd-spring-boot) tells herd from inside a foreign handler. Public
 * and static: the integration runs in the application's class loader, whose parent holds this class.
 * Outside herd (the class is absent), integrations stay inactive.
 */
public final class Herd {
    private Herd() {
    }

    /** The server accepts on herd's socket: the handler counts as ready from now on. */
    public static void ready() {
        ForeignHandler.current().ifPresent(ForeignHandler::ready);
    }
}
