package dev.herd.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads the certificates and keys of {@code --tls-cert} and {@code --tls-key}: PEM files, each
 * certificate file a chain (the server's certificate first), each key an unencrypted PKCS#8 RSA or
 * EC key ({@code BEGIN PRIVATE KEY}, as certbot and {@code openssl genpkey} write them). A
 * certificate file may hold its key too; then its {@code --tls-key} may be left out.
 *
 * <p>A {@code --tls-cert} that is a directory stands for every certificate in it: each
 * {@code NAME.crt} or {@code NAME.pem} with a certificate, its key in the same file or in
 * {@code NAME.key}; and each subdirectory laid out as certbot's {@code live/DOMAIN}
 * ({@code fullchain.pem}, {@code privkey.pem}).
 *
 * <p>Everything is checked here, so that a bad file fails the start or the reload with its name and
 * the reason, and never a handler: that the key is the certificate's, that its algorithm is one TLS
 * serves.
 */
public final class TlsFiles {
    private TlsFiles() {
    }

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)-----END \\1-----");

    /**
     * @param certificates the {@code --tls-cert} files and directories, in order
     * @param keys         the {@code --tls-key} files, the nth for the nth certificate file (fewer
     *                     when certificate files hold their keys or are directories)
     */
    public static List<TlsIdentity> load(List<Path> certificates, List<Path> keys) {
        List<TlsIdentity> identities = new ArrayList<>();
        int nextKey = 0;
        for (Path certificate : certificates) {
            if (Files.isDirectory(certificate)) {
                identities.addAll(directory(certificate));
                continue;
            }
            List<Block> blocks = blocks(certificate);
            boolean keyInside = blocks.stream().anyMatch(Block::isKey);
            Path keyFile = keyInside ? certificate : null;
            if (!keyInside) {
                if (nextKey >= keys.size()) {
                    throw new IllegalArgumentException("--tls-cert " + certificate + " has no key: give its --tls-key "
                            + "(one --tls-key for each --tls-cert, in the same order), or put the key in the same file");
                }
                keyFile = keys.get(nextKey++);
            }
            identities.add(identity(certificate, blocks, keyFile));
        }
        if (nextKey < keys.size()) {
            throw new IllegalArgumentException("--tls-key " + keys.get(nextKey) + " belongs to no --tls-cert ("
                    + keys.size() + " keys for " + certificates.size() + " certificate files)");
        }
        if (identities.isEmpty() && !certificates.isEmpty()) {
            throw new IllegalArgumentException("--tls-cert " + certificates + ": no certificate found");
        }
        return List.copyOf(identities);
    }

    private static List<TlsIdentity> directory(Path directory) {
        List<TlsIdentity> found = new ArrayList<>();
        try (Stream<Path> entries = Files.list(directory)) {
            for (Path entry : entries.sorted().toList()) {
                String name = entry.getFileName().toString();
                if (Files.isDirectory(entry)) {
                    Path chain = entry.resolve("fullchain.pem");
                    if (Files.isRegularFile(chain)) {
                        found.add(identity(chain, blocks(chain), entry.resolve("privkey.pem")));
                    }
                } else if (name.endsWith(".crt") || name.endsWith(".pem")) {
                    List<Block> blocks = blocks(entry);
                    if (blocks.stream().noneMatch(b -> b.type().equals("CERTIFICATE"))) {
                        continue;
                    }
                    Path key = blocks.stream().anyMatch(Block::isKey) ? entry
                            : entry.resolveSibling(name.substring(0, name.length() - 4) + ".key");
                    found.add(identity(entry, blocks, key));
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("--tls-cert " + directory + ": " + reason(e));
        }
        if (found.isEmpty()) {
            throw new IllegalArgumentException("--tls-cert " + directory + ": no certificate in it (NAME.crt or "
                    + "NAME.pem with NAME.key, or DOMAIN/fullchain.pem with DOMAIN/privkey.pem)");
        }
        return found;
    }

    private static TlsIdentity identity(Path certificateFile, List<Block> blocks, Path keyFile) {
        List<X509Certificate> chain = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (Block block : blocks) {
                if (block.type().equals("CERTIFICATE")) {
                    chain.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(block.der())));
                }
            }
        } catch (CertificateException e) {
            throw new IllegalArgumentException(certificateFile + ": not a valid certificate: " + e.getMessage());
        }
        if (chain.isEmpty()) {
            throw new IllegalArgumentException(certificateFile + ": no certificate in it (expected PEM: "
                    + "-----BEGIN CERTIFICATE-----)");
        }
        List<Block> keyBlocks = (keyFile.equals(certificateFile) ? blocks : blocks(keyFile)).stream()
                .filter(Block::isKey).toList();
        if (keyBlocks.size() != 1) {
            throw new IllegalArgumentException(keyFile + ": " + (keyBlocks.isEmpty() ? "no private key in it"
                    : keyBlocks.size() + " private keys in it; expected one") + " (expected PEM: -----BEGIN PRIVATE KEY-----)");
        }
        PrivateKey key = privateKey(keyFile, keyBlocks.getFirst(), chain.getFirst().getPublicKey());
        return new TlsIdentity(certificateFile.toString(), chain, key);
    }

    private static PrivateKey privateKey(Path file, Block block, PublicKey certified) {
        switch (block.type()) {
            case "PRIVATE KEY" -> {
            }
            case "ENCRYPTED PRIVATE KEY" -> throw new IllegalArgumentException(file + ": the key is encrypted; herd "
                    + "needs it unencrypted, readable by the user that starts it (openssl pkey -in " + file
                    + " -out KEY.pem)");
            default -> throw new IllegalArgumentException(file + ": a " + block.type() + " is not read; convert it to "
                    + "PKCS#8 (openssl pkey -in " + file + " -out KEY.pem)");
        }
        String algorithm = switch (certified.getAlgorithm()) {
            case "RSA" -> "RSA";
            case "EC" -> "EC";
            default -> throw new IllegalArgumentException(file + ": a " + certified.getAlgorithm() + " certificate; "
                    + "herd serves RSA and ECDSA certificates");
        };
        PrivateKey key;
        try {
            key = KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(block.der()));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(file + ": not a valid " + algorithm + " private key, or not the key of "
                    + "an " + algorithm + " certificate: " + e.getMessage());
        }
        if (!signs(key, certified)) {
            throw new IllegalArgumentException(file + ": this key is not the certificate's (the certificate's public "
                    + "key does not verify its signatures)");
        }
        return key;
    }

    /** Whether {@code key} makes signatures that {@code certified} verifies: the key is the certificate's. */
    private static boolean signs(PrivateKey key, PublicKey certified) {
        String algorithm = key.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
        byte[] data = new byte[32];
        new SecureRandom().nextBytes(data);
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(data);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certified);
            verifier.update(data);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private record Block(String type, byte[] der) {
        boolean isKey() {
            return type.endsWith("PRIVATE KEY");
        }
    }

    private static List<Block> blocks(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": " + reason(e));
        }
        List<Block> blocks = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            try {
                blocks.add(new Block(m.group(1), Base64.getMimeDecoder().decode(m.group(2))));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ": a broken " + m.group(1) + " block: " + e.getMessage());
            }
        }
        if (blocks.isEmpty()) {
            throw new IllegalArgumentException(file + ": not a PEM file (no -----BEGIN ...----- block)");
        }
        return blocks;
    }

    private static String reason(IOException e) {
        return switch (e) {
            case NoSuchFileException n -> "no such file";
            case AccessDeniedException a -> "permission denied (herd reads it as uid "
                    + dev.herd.os.Posix.geteuid() + ")";
            default -> e.getMessage() == null ? e.toString() : e.getMessage().toLowerCase(Locale.ROOT);
        };
    }
}
