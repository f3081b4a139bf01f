package dev.herd.handler.tls;

import dev.herd.tls.TicketKeys;
import dev.herd.tls.TlsIdentity;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslContextOption;
import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.OpenSslSessionTicketKey;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.netty.util.DomainWildcardMappingBuilder;
import io.netty.util.Mapping;

import javax.net.ssl.SSLException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A handler's TLS: one context per certificate, chosen by the name the client asks for (SNI), the
 * first for a client that names none; TLS 1.3 and 1.2 only, with the cipher suites and groups of
 * Mozilla's "intermediate" profile; ALPN offering HTTP/2 ({@code h2}) before HTTP/1.1. BoringSSL
 * does the work through Netty's tcnative where it loads, and the session tickets it issues are
 * encrypted with the keys the whole pool shares ({@link TicketKeys}): a client resumes on any
 * handler. Where it does not load, the JDK's TLS serves, and resumption holds within one handler.
 */
public final class ServerTls {
    private static final System.Logger LOG = System.getLogger(ServerTls.class.getName());

    /**
     * Mozilla's intermediate profile (version 5.7): its TLS 1.3 suites, then its TLS 1.2 suites with
     * forward secrecy and AEAD (BoringSSL has no finite-field DHE suites; neither are offered).
     */
    static final List<String> CIPHERS = List.of(
            "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    /** Key-exchange groups, most preferred first. */
    static final String[] GROUPS = {"X25519", "P-256", "P-384"};

    /** The groups as the JDK names them, for its system property. */
    private static final String JDK_GROUPS = "x25519,secp256r1,secp384r1";

    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    /** The largest ClientHello read for its server name: what browsers send, with room for post-quantum key shares. */
    private static final int MAX_CLIENT_HELLO = 16 * 1024;

    private final List<SslContext> contexts;
    private final Mapping<String, SslContext> byName;
    private final SslProvider provider;
    private final TicketKeys tickets;
    private final long handshakeTimeoutMillis;
    private long ticketSequence = -1;

    private ServerTls(List<SslContext> contexts, Mapping<String, SslContext> byName, SslProvider provider,
                      TicketKeys tickets, long handshakeTimeoutMillis) {
        this.contexts = contexts;
        this.byName = byName;
        this.provider = provider;
        this.tickets = tickets;
        this.handshakeTimeoutMillis = handshakeTimeoutMillis;
    }

    /**
     * @param identities       the certificates, the first also for clients that name no server
     * @param tickets          the pool's session-ticket keys
     * @param http2            whether ALPN offers {@code h2}
     * @param rotation         how often the ticket keys rotate: a session lives twice that
     * @param handshakeTimeout a handshake not done by then closes the connection ({@code --header-timeout})
     */
    public static ServerTls of(List<TlsIdentity> identities, TicketKeys tickets, boolean http2, Duration rotation,
                               Duration handshakeTimeout) throws SSLException {
        SslProvider provider = provider();
        List<String> alpn = http2 ? List.of(ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1)
                : List.of(ApplicationProtocolNames.HTTP_1_1);
        List<SslContext> contexts = new ArrayList<>();
        DomainWildcardMappingBuilder<SslContext> names = null;
        for (TlsIdentity identity : identities) {
            SslContext context = context(identity, provider, alpn, rotation);
            contexts.add(context);
            if (names == null) {
                names = new DomainWildcardMappingBuilder<>(context);
            }
            for (String name : identity.serverNames()) {
                names.add(name, context);
            }
        }
        if (names == null) {
            throw new SSLException("no certificate");
        }
        ServerTls tls = new ServerTls(List.copyOf(contexts), names.build(), provider, tickets,
                handshakeTimeout.toMillis());
        tls.refreshTickets();
        return tls;
    }

    private static SslContext context(TlsIdentity identity, SslProvider provider, List<String> alpn,
                                      Duration rotation) throws SSLException {
        SslContextBuilder builder = SslContextBuilder
                .forServer(identity.key(), identity.chain().toArray(X509Certificate[]::new))
                .sslProvider(provider)
                .protocols(PROTOCOLS)
                .ciphers(CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
                .sessionTimeout(rotation.multipliedBy(2).toSeconds())
                .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, alpn));
        if (provider == SslProvider.OPENSSL) {
            builder.option(OpenSslContextOption.GROUPS, GROUPS);
        }
        return builder.build();
    }

    /** BoringSSL if it loads here, else the JDK's TLS; said once, with the reason. */
    private static SslProvider provider() {
        if (OpenSsl.isAvailable()) {
            return SslProvider.OPENSSL;
        }
        LOG.log(System.Logger.Level.WARNING, "TLS by the JDK: BoringSSL (netty-tcnative) did not load ("
                + OpenSsl.unavailabilityCause() + "); sessions resume only on the handler that made them");
        if (System.getProperty("jdk.tls.namedGroups") == null) {
            System.setProperty("jdk.tls.namedGroups", JDK_GROUPS);
        }
        return SslProvider.JDK;
    }

    /** What serves TLS here, for the ready line: {@code BoringSSL} or {@code the JDK}. */
    public String describe() {
        return (provider == SslProvider.OPENSSL ? OpenSsl.versionString() : "the JDK's TLS") + ", "
                + contexts.size() + (contexts.size() == 1 ? " certificate" : " certificates");
    }

    /** The first stage of a TLS connection: it reads the ClientHello, picks the certificate, and becomes the TLS stage. */
    public SniHandler newHandler() {
        return new SniHandler(byName, MAX_CLIENT_HELLO, handshakeTimeoutMillis);
    }

    /**
     * Takes the pool's ticket keys if the spawner rotated them since the last call. Cheap when
     * they did not change; called on a schedule from one event loop.
     */
    public void refreshTickets() {
        if (provider != SslProvider.OPENSSL) {
            return;
        }
        TicketKeys.Snapshot now = tickets.read();
        if (now.sequence() == ticketSequence) {
            return;
        }
        OpenSslSessionTicketKey[] keys = now.keys().stream().map(ServerTls::ticketKey)
                .toArray(OpenSslSessionTicketKey[]::new);
        for (SslContext context : contexts) {
            ((OpenSslSessionContext) context.sessionContext()).setTicketKeys(keys);
        }
        ticketSequence = now.sequence();
    }

    private static OpenSslSessionTicketKey ticketKey(byte[] key) {
        int part = OpenSslSessionTicketKey.NAME_SIZE;
        return new OpenSslSessionTicketKey(Arrays.copyOfRange(key, 0, part), Arrays.copyOfRange(key, part, 2 * part),
                Arrays.copyOfRange(key, 2 * part, 3 * part));
    }
}
