package dev.herd.tls;

import dev.herd.os.Posix;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.List;

/**
 * The certificates and keys of one generation, handed from the spawner to its handlers in anonymous
 * shared memory: the spawner read the files (as root, before it dropped privileges, or at a reload),
 * and a handler reads this copy through {@code /proc/SPAWNER/fd/N} as it boots, so that the key
 * files themselves may stay readable by root only. Nothing of it touches a disk.
 */
public final class TlsMaterial implements AutoCloseable {
    private static final int MAGIC = 0x48544c53; // "HTLS"

    private final int fd;
    private final Path path;
    private final List<TlsIdentity> identities;

    private TlsMaterial(int fd, Path path, List<TlsIdentity> identities) {
        this.fd = fd;
        this.path = path;
        this.identities = identities;
    }

    /** In the spawner: a copy of {@code identities} that its children can open at {@link #path()}. */
    public static TlsMaterial share(List<TlsIdentity> identities) {
        byte[] bytes = encode(identities);
        int fd = Posix.memfd("herd-tls", bytes.length);
        try (FileChannel channel = FileChannel.open(Path.of("/proc/self/fd/" + fd), StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        } catch (IOException e) {
            Posix.close(fd);
            throw new IllegalStateException("cannot fill the shared memory of the TLS keys: " + e.getMessage(), e);
        }
        java.util.Arrays.fill(bytes, (byte) 0);
        return new TlsMaterial(fd, Path.of("/proc/" + ProcessHandle.current().pid() + "/fd/" + fd), identities);
    }

    /** In a handler: the identities the spawner shared at {@code path}. */
    public static List<TlsIdentity> read(Path path) throws IOException {
        byte[] bytes = Files.readAllBytes(path);
        try {
            return decode(bytes);
        } finally {
            java.util.Arrays.fill(bytes, (byte) 0);
        }
    }

    /** Where a child process opens it. */
    public Path path() {
        return path;
    }

    public List<TlsIdentity> identities() {
        return identities;
    }

    static byte[] encode(List<TlsIdentity> identities) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeInt(identities.size());
            for (TlsIdentity identity : identities) {
                out.writeUTF(identity.source());
                out.writeInt(identity.chain().size());
                for (X509Certificate certificate : identity.chain()) {
                    writeBytes(out, certificate.getEncoded());
                }
                out.writeUTF(identity.key().getAlgorithm());
                writeBytes(out, identity.key().getEncoded());
            }
        } catch (IOException | java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
        return bytes.toByteArray();
    }

    static List<TlsIdentity> decode(byte[] bytes) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        if (in.readInt() != MAGIC) {
            throw new IOException("not herd's TLS material");
        }
        int count = in.readInt();
        List<TlsIdentity> identities = new ArrayList<>(count);
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (int i = 0; i < count; i++) {
                String source = in.readUTF();
                int length = in.readInt();
                List<X509Certificate> chain = new ArrayList<>(length);
                for (int j = 0; j < length; j++) {
                    chain.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(readBytes(in))));
                }
                String algorithm = in.readUTF();
                PrivateKey key = KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(readBytes(in)));
                identities.add(new TlsIdentity(source, chain, key));
            }
        } catch (GeneralSecurityException e) {
            throw new IOException("broken TLS material: " + e.getMessage(), e);
        }
        return List.copyOf(identities);
    }

    private static void writeBytes(DataOutputStream out, byte[] data) throws IOException {
        out.writeInt(data.length);
        out.write(data);
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        byte[] data = new byte[in.readInt()];
        in.readFully(data);
        return data;
    }

    @Override
    public void close() {
        Posix.close(fd);
    }
}
