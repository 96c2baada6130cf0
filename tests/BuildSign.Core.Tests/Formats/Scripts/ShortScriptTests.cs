using BuildSign.Core.Formats.Scripts;
using BuildSign.Core.Pipeline;
using BuildSign.Core.Tests.Formats.Detached;
using BuildSign.Testing;

namespace BuildSign.Core.Tests.Formats.Scripts;

/// <summary>
/// Scripts under 4 bytes: osslsigncode refuses to sign them ("file is too short"), as Windows
/// does, and finds no signature in an empty script signed anyway. BuildSign refuses them.
/// </summary>
public sealed class ShortScriptTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(new byte[0], "empty script: there is nothing to sign")]
    [InlineData(new byte[] { (byte)'l', (byte)'s' }, "script too short to sign (2 bytes")]
    [InlineData(new byte[] { 0xEF, 0xBB, 0xBF }, "empty script: there is nothing to sign")]
    public async Task Scripts_under_four_bytes_are_refused_and_left_as_they_are(byte[] content, string reason)
    {
        var script = _dir.File("tiny.ps1");
        await File.WriteAllBytesAsync(script, content);

        var result = await SingleFormatSigning.SignAsync(new ScriptFormat(), script);

        Assert.Equal(FileSigningStatus.Failed, result.Status);
        Assert.StartsWith(reason, result.Error);
        Assert.Equal(content, await File.ReadAllBytesAsync(script));
        // The independent signer draws the same line.
        var osslsigncode = ExternalTool.Run("osslsigncode", "sign", "-certs", TestPki.Shared.RsaLeafPem, "-key", TestPki.Shared.RsaKeyPem, "-h", "sha256", "-in", script, "-out", _dir.File("by-osslsigncode.ps1"));
        Assert.NotEqual(0, osslsigncode.ExitCode);
    }

    [Fact]
    public async Task A_four_byte_script_is_signed_in_a_form_osslsigncode_verifies()
    {
        var script = _dir.File("short.ps1");
        await File.WriteAllTextAsync(script, "ls\r\n");

        var result = await SingleFormatSigning.SignAsync(new ScriptFormat(), script);

        Assert.True(result.Status == FileSigningStatus.Signed, result.Error);
        var osslsigncode = Osslsigncode.Verify(script);
        Assert.True(osslsigncode.ExitCode == 0, osslsigncode.Output);
    }

    [Fact]
    public async Task Verify_refuses_a_signature_over_an_empty_script()
    {
        var script = _dir.File("emptied.ps1");
        await File.WriteAllTextAsync(script, "ls\r\n");
        Assert.Equal(FileSigningStatus.Signed, (await SingleFormatSigning.SignAsync(new ScriptFormat(), script)).Status);
        // Leave only the block, as a signer that signed an empty script would have written it.
        var text = await File.ReadAllTextAsync(script);
        await File.WriteAllTextAsync(script, text[4..]);

        var result = await new ScriptFormat().VerifyAsync(script, new() { IntegrityOnly = true }, CancellationToken.None);

        Assert.False(result.IsValid);
        Assert.Contains(Assert.Single(result.Signatures).Problems, p => p.StartsWith("the signed script is empty", StringComparison.Ordinal));
    }
}
