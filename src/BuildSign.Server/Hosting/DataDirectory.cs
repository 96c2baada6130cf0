namespace BuildSign.Server.Hosting;

/// <summary>The files <c>buildsign-server init</c> creates in the data folder, and where each lives.</summary>
public sealed class DataDirectory(string path)
{
    /// <summary>The folder itself (absolute).</summary>
    public string Path { get; } = System.IO.Path.GetFullPath(path);

    /// <summary>The SoftHSM2 configuration pointing at <see cref="TokenDirectory"/>.</summary>
    public string SoftHsmConfig => File("softhsm2.conf");

    /// <summary>Where SoftHSM2 keeps the token's objects.</summary>
    public string TokenDirectory => File("tokens");

    /// <summary>The token's user PIN (mode 0600).</summary>
    public string PinFile => File("token.pin");

    /// <summary>The SQLite database.</summary>
    public string Database => File("buildsign.db");

    /// <summary>The dev TLS certificate for 127.0.0.1 and localhost, for clients to trust.</summary>
    public string TlsCertificate => File("tls.pem");

    /// <summary>The dev TLS private key (mode 0600).</summary>
    public string TlsKey => File("tls-key.pem");

    /// <summary>The certificate of the service's attestation key (the key itself is in the token).</summary>
    public string AttestationCertificate => File("attestation.pem");

    /// <summary>The dev CA certificate that issues subscribers' development certificates.</summary>
    public string DevCaCertificate => File("dev-ca.pem");

    /// <summary>The dev CA's private key (mode 0600), development only.</summary>
    public string DevCaKey => File("dev-ca-key.pem");

    /// <summary>The first service-admin token (mode 0600).</summary>
    public string AdminToken => File("admin.token");

    /// <summary>The service's configuration file, read by <c>run</c>.</summary>
    public string Settings => File("buildsign-server.json");

    /// <summary>A path inside the folder.</summary>
    public string File(string name) => System.IO.Path.Combine(Path, name);
}
