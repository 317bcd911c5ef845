package dev.satchel.cache.internal;

import dev.satchel.SessionConfigurationException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/** Builds a TLS socket factory that trusts exactly the certificates of one trust store file. */
public final class TrustStores {
    private TrustStores() {}

    /**
     * A factory trusting the CA certificates in {@code path} (PKCS12 or JKS).
     *
     * @throws SessionConfigurationException if the file cannot be read as a trust store
     */
    public static SSLSocketFactory socketFactory(String path, String password) {
        char[] secret = password == null ? null : password.toCharArray();
        try (InputStream in = Files.newInputStream(Path.of(path))) {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(in, secret);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context.getSocketFactory();
        } catch (Exception e) {
            throw new SessionConfigurationException(
                    "satchel.cache.tls.trust-store \"" + path + "\" cannot be read as a trust store: " + e.getMessage(),
                    e);
        }
    }
}
