using BuildSign.Core.Formats.Detached;
using BuildSign.Core.Formats.Pe;
using BuildSign.Core.Formats.Scripts;
using BuildSign.Core.Tests.Timestamping;
using BuildSign.Testing;

namespace BuildSign.Core.Tests.Verifying;

/// <summary>
/// verify against tampered signatures: seeded byte mutations inside each format's signature
/// (bounded, so CI runs them every time). verify must answer every mutant with a result, and
/// whatever it calls valid, osslsigncode or openssl must accept as well.
/// </summary>
public sealed class VerifyMutationTests : IDisposable
{
    private const int Mutants = 120;
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Mutated_pe_signatures_never_crash_verify_and_never_pass_where_osslsigncode_refuses()
    {
        await using var tsa = TestTsa.StartServer();
        var signed = TestPeFiles.Unsigned(_dir, TestPeFiles.Pe32);
        await TimestampedSigning.SignAsync(new PeFormat(), signed, tsa.Url);
        var table = PeImage.Read(signed).CertificateTable!;

        var findings = await SignatureMutation.RunAsync(new PeFormat(), signed, _dir.File("mutant.dll"), table.Offset, table.End, Mutants, seed: 3161, Osslsigncode);

        Assert.Empty(findings);
    }

    [Fact]
    public async Task Mutated_detached_signatures_never_crash_verify_and_never_pass_where_openssl_refuses()
    {
        await using var tsa = TestTsa.StartServer();
        var content = _dir.File("data.bin");
        await File.WriteAllBytesAsync(content, [.. Enumerable.Range(0, 5000).Select(i => (byte)i)]);
        await TimestampedSigning.SignAsync(new DetachedSignatureFormat(), content, tsa.Url);
        var signature = await File.ReadAllBytesAsync(content + ".p7s");
        var mutantContent = _dir.File("mutant.bin");
        File.Copy(content, mutantContent);

        // The mutant is the .p7s beside an unchanged copy of the content.
        var format = new MutatedSignatureFile(new DetachedSignatureFormat(), mutantContent);
        var findings = await SignatureMutation.RunAsync(format, content + ".p7s", mutantContent + ".p7s", 0, signature.Length, Mutants, seed: 5652,
            p7s => SignatureMutation.Both(
                ExternalTool.Run("openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", p7s, "-content", mutantContent, "-CAfile", TestPki.Shared.RootPem, "-purpose", "any", "-out", "/dev/null"),
                () => SignatureMutation.OpenSslTimestamp(File.ReadAllBytes(p7s), _dir)));

        Assert.Empty(findings);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Mutated_script_signature_blocks_never_crash_verify_and_never_pass_where_osslsigncode_refuses(bool base64Characters)
    {
        await using var tsa = TestTsa.StartServer();
        var script = _dir.File("signed.ps1");
        await File.WriteAllTextAsync(script, "param([string]$Name = 'World')\r\nWrite-Host \"Hello, $Name\"\r\n");
        await TimestampedSigning.SignAsync(new ScriptFormat(), script, tsa.Url);
        var (start, end) = SignatureMutation.ScriptBlock(await File.ReadAllBytesAsync(script));

        // osslsigncode picks the format by extension: the mutant keeps .ps1.
        var findings = await SignatureMutation.RunAsync(new ScriptFormat(), script, _dir.File("mutant.ps1"), start, end, Mutants, seed: base64Characters ? 64 : 65, Osslsigncode,
            base64Characters ? SignatureMutation.ChangeBase64Character : null);

        Assert.Empty(findings);
    }

    [Fact]
    public async Task A_script_block_that_decodes_only_leniently_is_malformed()
    {
        await using var tsa = TestTsa.StartServer();
        var script = _dir.File("signed.ps1");
        await File.WriteAllTextAsync(script, "Write-Host 'hello'\r\n");
        await TimestampedSigning.SignAsync(new ScriptFormat(), script, tsa.Url);
        var text = await File.ReadAllTextAsync(script);
        // A space inside a base64 line: the platform decoder skips it and would decode the same signature.
        var line = text.IndexOf("\r\n# ", text.IndexOf("# SIG # Begin signature block", StringComparison.Ordinal) + 10, StringComparison.Ordinal) + 6;
        await File.WriteAllTextAsync(script, text.Insert(line + 10, " "));

        var result = await new ScriptFormat().VerifyAsync(script, SignatureMutation.TrustTestRoot, CancellationToken.None);

        Assert.False(result.IsValid);
        Assert.Equal("malformed signature block (non-canonical base64)", result.Error);
    }

    [Theory]
    [InlineData(TestPeFiles.Pe32)]
    [InlineData(TestPeFiles.Pe32Plus)]
    public async Task Strict_reading_accepts_what_microsoft_signs(string kind)
    {
        // Real signatures from Microsoft's signing service and TSA, read as strictly as tampered ones:
        // with trust left aside, nothing in them may count as malformed.
        var result = await new PeFormat().VerifyAsync(TestPeFiles.Signed(kind), new() { IntegrityOnly = true }, CancellationToken.None);

        Assert.True(result.IsValid, result.Error ?? string.Join("; ", result.Signatures.SelectMany(s => s.Problems)));
        Assert.All(result.Signatures, s => Assert.NotNull(s.TimestampTime));
    }

    private static ToolResult Osslsigncode(string path) =>
        ExternalTool.Run("osslsigncode", "verify", "-CAfile", TestPki.Shared.RootPem, "-TSA-CAfile", TestPki.Shared.RootPem, "-in", path);
}
