using BuildSign.DevTools.Timestamping;
using BuildSign.Testing;

namespace BuildSign.Action.Tests;

/// <summary>
/// What the action tests share: the test PKI, its keys in a SoftHSM2 token, and a real RFC 3161
/// server on 127.0.0.1. The action runs as its own process (<c>buildsign github-action</c>), as the
/// runner starts it.
/// </summary>
public sealed class ActionFixture : IAsyncLifetime
{
    private TimestampAuthorityServer? _tsa;

    public TestPki Pki => TestPki.Shared;

    public SoftHsmToken Token => SoftHsmToken.Shared;

    public Uri TimestampUrl => _tsa!.Url;

    /// <summary>The buildsign CLI built next to the tests.</summary>
    public static string Cli => Path.Combine(AppContext.BaseDirectory, "buildsign.dll");

    /// <summary>A key string for the token's RSA key that names no pin-source: the PIN comes from the pin input.</summary>
    public string RsaKeyWithoutPinSource => $"pkcs11:token={Token.TokenLabel};object=rsa?module-path={SoftHsmToken.ModulePath}&softhsm2-conf={Token.ConfigPath}";

    public Task InitializeAsync()
    {
        _tsa = new TimestampAuthorityServer(TimestampAuthority.FromPemFiles(Pki.TsaLeafPem, Pki.TsaKeyPem));
        _tsa.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (_tsa is not null)
        {
            await _tsa.DisposeAsync();
        }
    }

    /// <summary>osslsigncode's verdict on a signed PE file, trusting the test root for signer and timestamp.</summary>
    public ToolResult Osslsigncode(string path) =>
        ExternalTool.Run("osslsigncode", "verify", "-CAfile", Pki.RootPem, "-TSA-CAfile", Pki.RootPem, "-in", path);

    /// <summary>openssl's verdict on a detached CMS signature.</summary>
    public ToolResult OpensslCms(string content, string signature) =>
        ExternalTool.Run("openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", signature, "-content", content, "-CAfile", Pki.RootPem, "-purpose", "any", "-out", "/dev/null");
}

[CollectionDefinition(Name)]
public sealed class ActionCollection : ICollectionFixture<ActionFixture>
{
    public const string Name = "buildsign github-action";
}
