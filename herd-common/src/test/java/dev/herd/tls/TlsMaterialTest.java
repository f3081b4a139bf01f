package dev.herd.tls;

import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TlsMaterialTest {
    @Test
    void handlersReadWhatTheSpawnerShared() throws Exception {
        X509Bundle ec = TlsFilesTest.certificate("a.test", CertificateBuilder.Algorithm.ecp256);
        X509Bundle rsa = TlsFilesTest.certificate("b.test", CertificateBuilder.Algorithm.rsa2048);
        List<TlsIdentity> identities = List.of(
                new TlsIdentity("a.pem", List.of(ec.getCertificatePath()), ec.getKeyPair().getPrivate()),
                new TlsIdentity("b.pem", List.of(rsa.getCertificatePath()), rsa.getKeyPair().getPrivate()));

        try (TlsMaterial shared = TlsMaterial.share(identities)) {
            List<TlsIdentity> read = TlsMaterial.read(shared.path());

            assertThat(read).extracting(TlsIdentity::source).containsExactly("a.pem", "b.pem");
            assertThat(read).extracting(TlsIdentity::chain).containsExactly(identities.get(0).chain(),
                    identities.get(1).chain());
            assertThat(read.get(0).key().getEncoded()).isEqualTo(ec.getKeyPair().getPrivate().getEncoded());
            assertThat(read.get(1).key().getEncoded()).isEqualTo(rsa.getKeyPair().getPrivate().getEncoded());
        }
    }
}
