package io.commitfs.hadoop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.commitfs.hadoop.contract.S3Server;
import java.io.BufferedReader;
import java.io.File;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;

/**
 * A TLS endpoint (a TLS-terminating front to moto, tests/servers/wire_proxy.py) whose certificate is
 * signed by a private CA that is only in the JVM's trust store ({@code javax.net.ssl.trustStore}): with
 * {@code connection.ssl.trust-jvm=true} the native client trusts it, directly and through an HTTP proxy
 * (a CONNECT tunnel); without the key the open fails naming the trust problem and the key.
 */
class JvmTrustStoreTest {
  private static final String[] TRUST_PROPERTIES = {
    "javax.net.ssl.trustStore", "javax.net.ssl.trustStorePassword", "javax.net.ssl.trustStoreType"
  };

  /** A running wire_proxy.py; its stdin closing stops it. */
  private static final class WireProxy implements AutoCloseable {
    final Process process;
    final int port;
    final File log;

    WireProxy(File dir, String name, String... args) throws IOException {
      log = new File(dir, name + ".jsonl");
      List<String> cmd = new java.util.ArrayList<>(List.of("python3",
          new File(S3Server.repoRoot(), "tests/servers/wire_proxy.py").getPath(), log.getPath()));
      cmd.addAll(List.of(args));
      process = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      String line = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)).readLine();
      Matcher m = Pattern.compile("\"port\":\\s*(\\d+)").matcher(line == null ? "" : line);
      if (!m.find()) {
        process.destroy();
        throw new IOException("wire_proxy.py said " + line);
      }
      port = Integer.parseInt(m.group(1));
    }

    String logged() throws IOException {
      return log.isFile() ? new String(Files.readAllBytes(log.toPath()), StandardCharsets.UTF_8) : "";
    }

    @Override
    public void close() throws IOException {
      process.getOutputStream().close();
      try {
        process.waitFor();
      } catch (InterruptedException e) {
        process.destroy();
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void run(File dir, String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).directory(dir).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), String.join(" ", cmd) + ": " + out);
  }

  /** A CA, a certificate for 127.0.0.1 it signed, and a PKCS12 trust store holding only the CA. */
  private static File makeCa(File dir) throws Exception {
    run(dir, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
        "-days", "1", "-subj", "/CN=commitfs JVM-only test CA");
    run(dir, "openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
        "-subj", "/CN=127.0.0.1");
    Files.write(new File(dir, "san.ext").toPath(),
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n".getBytes(StandardCharsets.UTF_8));
    run(dir, "openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
        "-CAcreateserial", "-out", "server.pem", "-days", "1", "-extfile", "san.ext");
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    try (InputStream in = new FileInputStream(new File(dir, "ca.pem"))) {
      ks.setCertificateEntry("commitfs-test-ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    File store = new File(dir, "truststore.p12");
    try (OutputStream out = new FileOutputStream(store)) {
      ks.store(out, "changeit".toCharArray());
    }
    return store;
  }

  private static void roundTrip(Configuration conf, URI uri, String name) throws Exception {
    try (FileSystem fs = FileSystem.newInstance(uri, conf)) {
      Path p = new Path(uri.toString() + "jvm-trust/" + name);
      try (FSDataOutputStream out = fs.create(p, true)) {
        out.write(name.getBytes(StandardCharsets.UTF_8));
      }
      assertEquals(name.length(), fs.getFileStatus(p).getLen());
      fs.delete(p, false);
    }
  }

  @Test
  void aCaOnlyInTheJvmTrustStoreIsTrustedWithTrustJvmDirectlyAndThroughAConnectProxy() throws Exception {
    S3Server server = S3Stores.orSkip("moto");
    File dir = Files.createTempDirectory("commitfs-jvm-trust").toFile();
    String[] saved = new String[TRUST_PROPERTIES.length];
    for (int i = 0; i < saved.length; i++) {
      saved[i] = System.getProperty(TRUST_PROPERTIES[i]);
    }
    File store = makeCa(dir);
    try (WireProxy front = new WireProxy(dir, "front", "--upstream", server.endpoint, "--tls",
             new File(dir, "server.pem").getPath(), new File(dir, "server.key").getPath());
         WireProxy proxy = new WireProxy(dir, "proxy")) {
      System.setProperty("javax.net.ssl.trustStore", store.getPath());
      System.setProperty("javax.net.ssl.trustStorePassword", "changeit");
      System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
      URI uri = URI.create("s3c://" + server.bucket + "/");
      Configuration conf = S3Stores.s3cConf(server);
      conf.set("fs.s3c.endpoint", "https://127.0.0.1:" + front.port);

      IOException untrusted = assertThrows(IOException.class, () -> roundTrip(conf, uri, "untrusted"));
      String message = String.valueOf(untrusted.getMessage());
      assertTrue(message.contains("not trusted") && message.contains("connection.ssl.trust-jvm"), message);

      conf.set("fs.s3a.connection.ssl.trust-jvm", "true");
      roundTrip(conf, uri, "direct");
      conf.set("fs.s3a.proxy.host", "127.0.0.1");
      conf.set("fs.s3a.proxy.port", Integer.toString(proxy.port));
      roundTrip(conf, uri, "proxied");
      String tunnels = proxy.logged();
      assertTrue(tunnels.contains("\"method\": \"CONNECT\", \"path\": \"127.0.0.1:" + front.port + "\""), tunnels);
    } finally {
      for (int i = 0; i < saved.length; i++) {
        if (saved[i] == null) {
          System.clearProperty(TRUST_PROPERTIES[i]);
        } else {
          System.setProperty(TRUST_PROPERTIES[i], saved[i]);
        }
      }
    }
  }
}
