package dev.herd.handler.http;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * Why a request was refused before the application saw it: the status to answer and the rule it
 * broke. The connection closes after the answer, since what follows such a request on it cannot
 * be trusted to start where the client meant. Carried as the request's failed decoder result.
 */
public final class RequestRejected extends IllegalArgumentException {
    private final transient HttpResponseStatus status;

    public RequestRejected(HttpResponseStatus status, String reason) {
        super(reason, null);
        this.status = status;
    }

    public static RequestRejected badRequest(String reason) {
        return new RequestRejected(HttpResponseStatus.BAD_REQUEST, reason);
    }

    public HttpResponseStatus status() {
        return status;
    }

    /** A rejection is an answer, not a fault: no stack to fill. */
    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
