package dev.herd.it;

import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Certificates for the TLS tests, made as they run: a test root that clients trust
 * ({@code --cacert}), and server certificates it issues, written as PEM files the way herd reads
 * them in production (the chain in one file, the PKCS#8 key in another).
 */
final class TestCertificates {
    private final Path dir;
    private final X509Bundle root;

    TestCertificates(Path dir) {
        this.dir = dir;
        try {
            root = new CertificateBuilder().subject("CN=herd test root").setIsCertificateAuthority(true).ecp256()
                    .notBefore(Instant.now().minus(1, ChronoUnit.DAYS)).notAfter(Instant.now().plus(365, ChronoUnit.DAYS))
                    .buildSelfSigned();
            Files.writeString(rootFile(), root.getCertificatePEM());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The file clients trust. */
    Path rootFile() {
        return dir.resolve("root.pem");
    }

    /** A server certificate, issued by the root. */
    record Issued(Path chain, Path key, X509Bundle bundle) {
    }

    /**
     * Writes {@code NAME.pem} and {@code NAME.key} for a certificate of {@code host}.
     *
     * @param organization the subject's O, which tells one certificate for a host from another
     * @param rsa          an RSA 2048 key, else ECDSA P-256
     */
    Issued issue(String name, String host, String organization, boolean rsa, int days) {
        try {
            CertificateBuilder builder = new CertificateBuilder().subject("CN=" + host + ", O=" + organization)
                    .addSanDnsName(host).notBefore(Instant.now().minus(1, ChronoUnit.DAYS))
                    .notAfter(Instant.now().plus(days, ChronoUnit.DAYS));
            if (host.equals("localhost")) {
                builder.addSanIpAddress("127.0.0.1");
            }
            X509Bundle bundle = (rsa ? builder.rsa2048() : builder.ecp256()).buildIssuedBy(root);
            Path chain = Files.writeString(dir.resolve(name + ".pem"), bundle.getCertificatePEM());
            Path key = Files.writeString(dir.resolve(name + ".key"), bundle.getPrivateKeyPEM());
            return new Issued(chain, key, bundle);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
