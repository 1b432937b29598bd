package io.commitfs.hadoop;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Base64;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The JVM's default trust anchors ({@code javax.net.ssl.trustStore}, else the JDK's {@code cacerts}) as
 * PEM, for {@code connection.ssl.trust-jvm}: the native HTTP client (rustls) reads the operating
 * system's store, so a CA that only the JVM trusts is passed to it this way.
 */
final class JvmTrust {
  /** Marks the key that asks for the anchors, under any scheme or bucket prefix. */
  static final String SWITCH_SUFFIX = ".connection.ssl.trust-jvm";
  /** Where the core reads them (`settings::JVM_TRUST_ANCHORS`). */
  static final String ANCHORS_KEY = "fs.commitfs.jvm.trust-anchors";

  private JvmTrust() {}

  static String anchorsPem() throws GeneralSecurityException {
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init((KeyStore) null);
    Base64.Encoder base64 = Base64.getMimeEncoder(64, new byte[] {'\n'});
    StringBuilder pem = new StringBuilder();
    for (TrustManager tm : tmf.getTrustManagers()) {
      if (tm instanceof X509TrustManager) {
        for (X509Certificate cert : ((X509TrustManager) tm).getAcceptedIssuers()) {
          pem.append("-----BEGIN CERTIFICATE-----\n")
              .append(base64.encodeToString(cert.getEncoded()))
              .append("\n-----END CERTIFICATE-----\n");
        }
      }
    }
    return pem.toString();
  }
}
