/**
 * A throw-away certificate authority for the simulated cluster: a fresh CA
 * and a server certificate for 127.0.0.1/localhost per run, plus client
 * certificates for tests of client-certificate authentication.
 *
 * @module
 */

/** PEM-encoded certificate and private key. */
export interface CertPair {
  /** Certificate, PEM. */
  cert: string;
  /** PKCS#8 private key, PEM. */
  key: string;
}

/** A CA with a server certificate signed by it. */
export interface SimPki {
  /** The CA certificate and key. */
  ca: CertPair;
  /** The server certificate for 127.0.0.1 and localhost, signed by the CA. */
  server: CertPair;
  /** Signs a client certificate with the given common name (user) and organisation (group). */
  issueClient(commonName: string, organization?: string): Promise<CertPair>;
}

const ALG = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;

/** Creates a CA valid for `days` days and a server certificate for loopback. */
export async function createSimPki(days = 7): Promise<SimPki> {
  const { x509 } = await import("../deps_lazy/x509.ts");
  x509.cryptoProvider.set(crypto);
  const notBefore = new Date(Date.now() - 5 * 60_000);
  const notAfter = new Date(Date.now() + days * 86_400_000);
  let serial = 1;
  const nextSerial = () => (serial++).toString(16).padStart(2, "0");
  const pem = async (k: CryptoKey) =>
    x509.PemConverter.encode(await crypto.subtle.exportKey("pkcs8", k), "PRIVATE KEY");

  const caKeys = await crypto.subtle.generateKey(ALG, true, ["sign", "verify"]);
  const caCert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: nextSerial(),
    name: "CN=kubectl-grove-sim-ca",
    notBefore,
    notAfter,
    keys: caKeys,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true,
      ),
    ],
  });

  async function issue(subject: string, server: boolean): Promise<CertPair> {
    const keys = await crypto.subtle.generateKey(ALG, true, ["sign", "verify"]);
    const extensions = [
      new x509.BasicConstraintsExtension(false),
      new x509.ExtendedKeyUsageExtension([
        server ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth,
      ]),
    ];
    if (server) {
      extensions.push(
        new x509.SubjectAlternativeNameExtension([
          { type: "ip", value: "127.0.0.1" },
          { type: "dns", value: "localhost" },
        ]) as never,
      );
    }
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: nextSerial(),
      subject,
      issuer: caCert.subject,
      notBefore,
      notAfter,
      publicKey: keys.publicKey,
      signingKey: caKeys.privateKey,
      signingAlgorithm: ALG,
      extensions,
    });
    return { cert: cert.toString("pem"), key: await pem(keys.privateKey) };
  }

  return {
    ca: { cert: caCert.toString("pem"), key: await pem(caKeys.privateKey) },
    server: await issue("CN=127.0.0.1", true),
    issueClient: (cn, org) => issue(org ? `CN=${cn}, O=${org}` : `CN=${cn}`, false),
  };
}
