package dev.herd.tls;

import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TlsFilesTest {
    @TempDir
    Path dir;

    static X509Bundle certificate(String name, CertificateBuilder.Algorithm algorithm) throws Exception {
        CertificateBuilder builder = new CertificateBuilder().subject("CN=" + name).setIsCertificateAuthority(true)
                .addSanDnsName(name)
                .addSanDnsName("www." + name).notBefore(Instant.now().minus(1, ChronoUnit.DAYS))
                .notAfter(Instant.now().plus(30, ChronoUnit.DAYS));
        return (algorithm == CertificateBuilder.Algorithm.rsa2048 ? builder.rsa2048() : builder.ecp256())
                .buildSelfSigned();
    }

    private Path write(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }

    @Test
    void readsAChainAndItsKeyFromTwoFilesOrOne() throws Exception {
        X509Bundle root = new CertificateBuilder().subject("CN=root").setIsCertificateAuthority(true).ecp256()
                .buildSelfSigned();
        X509Bundle leaf = new CertificateBuilder().subject("CN=example.com").addSanDnsName("example.com").rsa2048()
                .buildIssuedBy(root);
        String chainPem = leaf.getCertificatePEM() + root.getCertificatePEM();
        Path chain = write("chain.pem", chainPem);
        Path key = write("key.pem", leaf.getPrivateKeyPEM());
        Path both = write("both.pem", chainPem + leaf.getPrivateKeyPEM());

        List<TlsIdentity> read = TlsFiles.load(List.of(chain, both), List.of(key));

        assertThat(read).hasSize(2);
        assertThat(read.get(0).chain()).hasSize(2);
        assertThat(read.get(0).certificate().getSubjectX500Principal().getName()).isEqualTo("CN=example.com");
        assertThat(read.get(0).serverNames()).containsExactly("example.com");
        assertThat(read.get(0).keyDescription()).isEqualTo("RSA 2048");
        assertThat(read.get(1).source()).isEqualTo(both.toString());
    }

    @Test
    void namesItsHostsAndAnEcdsaKey() throws Exception {
        X509Bundle bundle = certificate("herd.test", CertificateBuilder.Algorithm.ecp256);
        List<TlsIdentity> read = TlsFiles.load(List.of(write("c.pem", bundle.getCertificatePEM())),
                List.of(write("k.pem", bundle.getPrivateKeyPEM())));
        assertThat(read.getFirst().serverNames()).containsExactly("herd.test", "www.herd.test");
        assertThat(read.getFirst().keyDescription()).isEqualTo("ECDSA P-256");
        assertThat(read.getFirst().notAfter()).isAfter(Instant.now().plus(29, ChronoUnit.DAYS));
    }

    @Test
    void aDirectoryHoldsPairsAndCertbotsLayout() throws Exception {
        X509Bundle a = certificate("a.test", CertificateBuilder.Algorithm.ecp256);
        X509Bundle b = certificate("b.test", CertificateBuilder.Algorithm.ecp256);
        write("a.crt", a.getCertificatePEM());
        write("a.key", a.getPrivateKeyPEM());
        Files.createDirectories(dir.resolve("b.test"));
        write("b.test/fullchain.pem", b.getCertificatePEM());
        write("b.test/privkey.pem", b.getPrivateKeyPEM());
        write("notes.txt", "not a certificate");

        List<TlsIdentity> read = TlsFiles.load(List.of(dir), List.of());

        assertThat(read).extracting(i -> i.serverNames().getFirst()).containsExactly("a.test", "b.test");
    }

    @Test
    void aKeyThatIsNotTheCertificatesIsRefusedWithTheFileNamed() throws Exception {
        X509Bundle one = certificate("one.test", CertificateBuilder.Algorithm.ecp256);
        X509Bundle other = certificate("other.test", CertificateBuilder.Algorithm.ecp256);
        Path key = write("other.key", other.getPrivateKeyPEM());
        assertThatThrownBy(() -> TlsFiles.load(List.of(write("one.pem", one.getCertificatePEM())), List.of(key)))
                .hasMessageContaining(key.toString()).hasMessageContaining("not the certificate's");
    }

    @Test
    void whatCannotBeReadIsSaidPlainly() throws Exception {
        X509Bundle one = certificate("one.test", CertificateBuilder.Algorithm.ecp256);
        Path cert = write("one.pem", one.getCertificatePEM());
        assertThatThrownBy(() -> TlsFiles.load(List.of(cert), List.of()))
                .hasMessageContaining("has no key: give its --tls-key");
        assertThatThrownBy(() -> TlsFiles.load(List.of(cert), List.of(dir.resolve("missing.key"))))
                .hasMessageContaining("missing.key: no such file");
        Path encrypted = write("enc.key", "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n");
        assertThatThrownBy(() -> TlsFiles.load(List.of(cert), List.of(encrypted)))
                .hasMessageContaining("the key is encrypted");
        Path pkcs1 = write("rsa.key", "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
        assertThatThrownBy(() -> TlsFiles.load(List.of(cert), List.of(pkcs1)))
                .hasMessageContaining("a RSA PRIVATE KEY is not read; convert it to PKCS#8 (openssl pkey");
        Path text = write("plain.txt", "hello");
        assertThatThrownBy(() -> TlsFiles.load(List.of(text), List.of()))
                .hasMessageContaining("not a PEM file");
        Path key = write("one.key", one.getPrivateKeyPEM());
        assertThatThrownBy(() -> TlsFiles.load(List.of(cert), List.of(key, key)))
                .hasMessageContaining("belongs to no --tls-cert");
    }
}
