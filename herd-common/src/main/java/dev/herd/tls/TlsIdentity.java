package dev.herd.tls;

import java.security.PrivateKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.security.auth.x500.X500Principal;

/**
 * A certificate chain and its private key: what a handler presents to clients that ask for one of
 * its {@link #serverNames()} (or to every client, if it is the first).
 *
 * @param source where it was read, for messages (the certificate file)
 * @param chain  the server's certificate first, then the intermediates that sign it
 * @param key    the private key of {@code chain}'s first certificate
 */
public record TlsIdentity(String source, List<X509Certificate> chain, PrivateKey key) {

    public TlsIdentity {
        if (chain.isEmpty()) {
            throw new IllegalArgumentException(source + ": no certificate");
        }
        chain = List.copyOf(chain);
    }

    public X509Certificate certificate() {
        return chain.getFirst();
    }

    /** When the server's certificate expires (the earliest of the chain's, which expire together in effect). */
    public Instant notAfter() {
        Instant earliest = Instant.MAX;
        for (X509Certificate c : chain) {
            Instant end = c.getNotAfter().toInstant();
            earliest = end.isBefore(earliest) ? end : earliest;
        }
        return earliest;
    }

    /**
     * The host names the certificate is for, lower case: its DNS subject alternative names, or its
     * subject's common name when it has none (RFC 6125 lets clients fall back to it). Wildcards stay
     * as written ({@code *.example.com}).
     */
    public List<String> serverNames() {
        List<String> names = new ArrayList<>();
        try {
            var alternatives = certificate().getSubjectAlternativeNames();
            if (alternatives != null) {
                for (List<?> entry : alternatives) {
                    if (entry.size() >= 2 && Integer.valueOf(2).equals(entry.get(0)) && entry.get(1) instanceof String dns) {
                        names.add(dns.toLowerCase(Locale.ROOT));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // Treated as having none: the common name is the fallback.
        }
        if (names.isEmpty()) {
            String cn = commonName(certificate().getSubjectX500Principal());
            if (cn != null) {
                names.add(cn.toLowerCase(Locale.ROOT));
            }
        }
        return List.copyOf(names);
    }

    /** The subject, as a person reads it ({@code CN=example.com, O=...}). */
    public String subject() {
        return certificate().getSubjectX500Principal().getName(X500Principal.RFC2253);
    }

    /** The key's algorithm and size as operators name them: {@code ECDSA P-256}, {@code RSA 2048}. */
    public String keyDescription() {
        return switch (key) {
            case java.security.interfaces.RSAKey rsa -> "RSA " + rsa.getModulus().bitLength();
            case java.security.interfaces.ECKey ec -> "ECDSA " + curveName(ec.getParams().getOrder().bitLength());
            default -> key.getAlgorithm();
        };
    }

    private static String curveName(int bits) {
        return switch (bits) {
            case 256 -> "P-256";
            case 384 -> "P-384";
            case 521 -> "P-521";
            default -> bits + "-bit curve";
        };
    }

    private static String commonName(X500Principal principal) {
        try {
            for (var rdn : new javax.naming.ldap.LdapName(principal.getName(X500Principal.RFC2253)).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return rdn.getValue().toString();
                }
            }
        } catch (javax.naming.InvalidNameException e) {
            return null;
        }
        return null;
    }
}
