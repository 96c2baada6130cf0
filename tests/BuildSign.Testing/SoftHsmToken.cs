namespace BuildSign.Testing;

/// <summary>
/// A SoftHSM2 token in a private token folder, holding the <see cref="TestPki"/> RSA and ECDSA
/// signing keys and their certificates as objects labelled <c>rsa</c> (id 01) and <c>ecdsa</c>
/// (id 02). The SoftHSM2 configuration rides in each key string (<c>softhsm2-conf=…</c>), so a
/// key string works in this process and in child processes alike; tools started by tests get
/// SOFTHSM2_CONF from <see cref="Environment"/>.
/// Created once per test process (see <see cref="Shared"/>).
/// </summary>
public sealed class SoftHsmToken : IDisposable
{
    public const string ModulePath = "/usr/lib/softhsm/libsofthsm2.so";

    private static readonly Lazy<SoftHsmToken> SharedInstance = new(() => new SoftHsmToken(TestPki.Shared));

    private readonly TempDirectory _directory = new("buildsign-softhsm");

    public static SoftHsmToken Shared => SharedInstance.Value;

    public SoftHsmToken(TestPki pki, string label = "buildsign-test")
    {
        ArgumentNullException.ThrowIfNull(pki);
        TokenLabel = label;
        var tokens = System.IO.Path.Combine(_directory.Path, "tokens");
        System.IO.Directory.CreateDirectory(tokens);
        ConfigPath = _directory.File("softhsm2.conf");
        File.WriteAllText(ConfigPath, $"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n");
        Pin = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));
        PinFile = _directory.File("pin");
        File.WriteAllText(PinFile, Pin + "\n");

        Check(SoftHsmUtil("--init-token", "--free", "--label", label, "--pin", Pin, "--so-pin", Pin + "so"));
        Import("rsa", "01", pki.RsaKeyPem, pki.RsaLeaf.RawData);
        Import("ecdsa", "02", pki.EcdsaKeyPem, pki.EcdsaLeaf.RawData);
    }

    /// <summary>The folder holding the configuration, the token files and the PIN file.</summary>
    public string Path => _directory.Path;

    public string ConfigPath { get; }

    public string TokenLabel { get; }

    /// <summary>The user PIN; tests use it only to check that it never shows up in output.</summary>
    public string Pin { get; }

    /// <summary>A file holding the PIN, for <c>pin-source=file:</c>.</summary>
    public string PinFile { get; }

    /// <summary>SOFTHSM2_CONF for child processes (softhsm2-util, pkcs11-tool, osslsigncode).</summary>
    public IDictionary<string, string?> Environment => new Dictionary<string, string?> { ["SOFTHSM2_CONF"] = ConfigPath };

    public string RsaKeyString => KeyString("rsa");

    public string EcdsaKeyString => KeyString("ecdsa");

    /// <summary>A key string for an object of this token; the PIN comes from <see cref="PinFile"/> unless another pin-source is given.</summary>
    public string KeyString(string objectLabel, string? pinSource = null, string? tokenLabel = null) =>
        $"pkcs11:token={tokenLabel ?? TokenLabel};object={objectLabel}?module-path={ModulePath}&pin-source={pinSource ?? "file:" + PinFile}&softhsm2-conf={ConfigPath}";

    /// <summary>Runs pkcs11-tool against this token, logged in.</summary>
    public ToolResult Pkcs11Tool(params string[] arguments) =>
        ExternalTool.Run("pkcs11-tool", ["--module", ModulePath, "--token-label", TokenLabel, "--login", "--pin", Pin, .. arguments], Environment);

    public void Dispose() => _directory.Dispose();

    private void Import(string label, string id, string keyPem, byte[] certificateDer)
    {
        Check(SoftHsmUtil("--import", keyPem, "--token", TokenLabel, "--label", label, "--id", id, "--pin", Pin));
        var der = _directory.File($"{label}.der");
        File.WriteAllBytes(der, certificateDer);
        Check(Pkcs11Tool("--write-object", der, "--type", "cert", "--id", id, "--label", label));
    }

    private ToolResult SoftHsmUtil(params string[] arguments) => ExternalTool.Run("softhsm2-util", arguments, Environment);

    private static void Check(ToolResult result)
    {
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"SoftHSM2 token setup failed: {result.Output}");
        }
    }
}
