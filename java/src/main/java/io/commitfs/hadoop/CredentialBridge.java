package io.commitfs.hadoop;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;

/**
 * A Java credential provider class named in {@code fs.s3a.aws.credentials.provider} that the native
 * core does not implement itself: an AWS SDK v2 {@code AwsCredentialsProvider} or v1 {@code
 * AWSCredentialsProvider}, instantiated as S3A does, and called by the core (through JNI) whenever its
 * cached credentials near expiry. Reflection only: commitfs needs no AWS SDK; the provider's own jar
 * brings it.
 */
final class CredentialBridge {
  private static final String V2 = "software.amazon.awssdk.auth.credentials.AwsCredentialsProvider";
  private static final String V1 = "com.amazonaws.auth.AWSCredentialsProvider";

  /** The Configuration of the FileSystem being initialized on this thread (see CommitFileSystem). */
  static final ThreadLocal<Configuration> INITIALIZING = new ThreadLocal<>();

  private final Object provider;
  private final Method resolve;
  private final boolean v2;
  private final String name;

  private CredentialBridge(Object provider, Method resolve, boolean v2, String name) {
    this.provider = provider;
    this.resolve = resolve;
    this.v2 = v2;
    this.name = name;
  }

  /**
   * Called by the native core while a store is built: {@code pairs} are the keys the JVM passed, joined
   * by NUL characters, used when no Configuration is being initialized on this thread.
   */
  static Object create(String className, String uri, String pairs) throws Exception {
    Configuration conf = INITIALIZING.get();
    if (conf == null) {
      conf = new Configuration();
      String[] kv = pairs.isEmpty() ? new String[0] : pairs.split("\0", -1);
      for (int i = 0; i + 1 < kv.length; i += 2) {
        conf.set(kv[i], kv[i + 1]);
      }
    }
    Class<?> cls = load(className, conf);
    Class<?> iface = implemented(cls, V2);
    boolean v2 = iface != null;
    if (!v2) {
      iface = implemented(cls, V1);
    }
    if (iface == null) {
      throw new IllegalArgumentException("class " + className + " implements neither " + V2 + " nor " + V1);
    }
    Method resolve = iface.getMethod(v2 ? "resolveCredentials" : "getCredentials");
    return new CredentialBridge(instantiate(cls, URI.create(uri), conf), resolve, v2, className);
  }

  private static Class<?> load(String className, Configuration conf) throws ClassNotFoundException {
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    try {
      return Class.forName(className, true, context != null ? context : CredentialBridge.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      return conf.getClassByName(className);
    }
  }

  /** The interface named {@code name} if {@code cls} implements it (by name: it is not on our class path). */
  private static Class<?> implemented(Class<?> cls, String name) {
    for (Class<?> c = cls; c != null; c = c.getSuperclass()) {
      for (Class<?> i : c.getInterfaces()) {
        Class<?> found = i.getName().equals(name) ? i : implemented(i, name);
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }

  /** S3A's conventions, in its order: (URI, Configuration), (Configuration), (), create(), getInstance(). */
  private static Object instantiate(Class<?> cls, URI uri, Configuration conf) throws Exception {
    for (Constructor<?> c : cls.getConstructors()) {
      Class<?>[] p = c.getParameterTypes();
      if (p.length == 2 && p[0] == URI.class && Configuration.class.isAssignableFrom(p[1])) {
        return c.newInstance(uri, conf);
      }
    }
    for (Constructor<?> c : cls.getConstructors()) {
      Class<?>[] p = c.getParameterTypes();
      if (p.length == 1 && Configuration.class.isAssignableFrom(p[0])) {
        return c.newInstance(conf);
      }
    }
    for (Constructor<?> c : cls.getConstructors()) {
      if (c.getParameterCount() == 0) {
        return c.newInstance();
      }
    }
    for (String factory : new String[] {"create", "getInstance"}) {
      try {
        Method m = cls.getMethod(factory);
        if (Modifier.isStatic(m.getModifiers()) && cls.isAssignableFrom(m.getReturnType())) {
          return m.invoke(null);
        }
      } catch (NoSuchMethodException e) {
        // try the next convention
      }
    }
    throw new IllegalArgumentException("class " + cls.getName() + " has no public constructor (URI, Configuration),"
        + " (Configuration) or (), nor a static create() or getInstance()");
  }

  /** {@code key \0 secret \0 token \0 expiry-ms}, empty fields for what the credentials lack. */
  String resolve() throws Exception {
    Object c;
    try {
      c = resolve.invoke(provider);
    } catch (java.lang.reflect.InvocationTargetException e) {
      Throwable cause = e.getCause();
      throw cause instanceof Exception ? (Exception) cause : e;
    }
    if (c == null) {
      throw new IllegalStateException(name + " returned no credentials");
    }
    String key = (String) call(c, v2 ? "accessKeyId" : "getAWSAccessKeyId");
    String secret = (String) call(c, v2 ? "secretAccessKey" : "getAWSSecretKey");
    Object token = call(c, v2 ? "sessionToken" : "getSessionToken");
    String expiry = "";
    Object when = call(c, "expirationTime");
    if (when instanceof Optional) {
      when = ((Optional<?>) when).orElse(null);
    }
    if (when instanceof java.time.Instant) {
      expiry = Long.toString(((java.time.Instant) when).toEpochMilli());
    }
    return key + '\0' + secret + '\0' + (token == null ? "" : token) + '\0' + expiry;
  }

  /** A public no-argument method of the credentials' public interfaces or class, or null. */
  private static Object call(Object target, String method) throws Exception {
    for (Class<?> c = target.getClass(); c != null; c = c.getSuperclass()) {
      for (Class<?> i : c.getInterfaces()) {
        Object v = invoke(i, target, method);
        if (v != NONE) {
          return v;
        }
      }
      if (Modifier.isPublic(c.getModifiers())) {
        Object v = invoke(c, target, method);
        if (v != NONE) {
          return v;
        }
      }
    }
    return null;
  }

  private static final Object NONE = new Object();

  private static Object invoke(Class<?> owner, Object target, String method) throws Exception {
    try {
      return owner.getMethod(method).invoke(target);
    } catch (NoSuchMethodException e) {
      return NONE;
    }
  }
}
