using BuildSign.Core.Cms;
using BuildSign.Core.Formats;
using BuildSign.Core.Formats.Authenticode;
using BuildSign.Core.Formats.Scripts;
using BuildSign.Core.Pipeline;
using BuildSign.Core.Tests.Formats.Detached;
using BuildSign.Core.Verification;
using BuildSign.Testing;

namespace BuildSign.Core.Tests.Formats.Scripts;

public class ScriptFormatTests
{
    private const string Crlf = "\r\n";
    private const string Lf = "\n";
    private static readonly VerificationOptions TrustTestRoot = new() { TrustedCertificates = [TestPki.Shared.Root], TrustedTimestampCertificates = [TestPki.Shared.Root] };
    private readonly ScriptFormat _format = new();

    private static void AssertOsslsigncodeAccepts(string path)
    {
        var verify = Osslsigncode.Verify(path);
        Assert.True(verify.ExitCode == 0, verify.Output);
        Assert.Contains("Signature verification: ok", verify.StandardOutput, StringComparison.Ordinal);
    }

    private async Task AssertWeAccept(string path)
    {
        var ours = await _format.VerifyAsync(path, TrustTestRoot, CancellationToken.None);
        Assert.True(ours.IsValid, ours.Error ?? string.Join("; ", ours.Signatures.SelectMany(s => s.Problems)));
    }

    [Theory]
    [InlineData("a.ps1", ScriptTextEncoding.Utf8, Lf, "rsa")]
    [InlineData("a.ps1", ScriptTextEncoding.Utf8, Crlf, "ecdsa")]
    [InlineData("a.ps1", ScriptTextEncoding.Utf8WithBom, Crlf, "rsa")]
    [InlineData("a.ps1", ScriptTextEncoding.Utf8WithBom, Lf, "rsa")]
    [InlineData("a.ps1", ScriptTextEncoding.Utf16LittleEndian, Crlf, "rsa")]
    [InlineData("a.ps1", ScriptTextEncoding.Utf16LittleEndian, Lf, "ecdsa")]
    [InlineData("Module.psm1", ScriptTextEncoding.Utf8WithBom, Crlf, "rsa")]
    [InlineData("Module.psd1", ScriptTextEncoding.Utf8, Lf, "ecdsa")]
    [InlineData("Types.ps1xml", ScriptTextEncoding.Utf8, Crlf, "rsa")]
    [InlineData("Class.mof", ScriptTextEncoding.Utf16LittleEndian, Lf, "rsa")]
    public async Task OsslsigncodeVerifiesTheSignedScript_TheTextKeepsItsBytes_TheBlockIsCrlf(string name, ScriptTextEncoding encoding, string lineEnding, string key)
    {
        using var dir = new TempDirectory();
        var path = ScriptFiles.Write(dir.File(name), encoding, lineEnding);
        var original = File.ReadAllBytes(path);

        var result = await SingleFormatSigning.SignAsync(_format, path, key);

        Assert.True(result.Status == FileSigningStatus.Signed, result.Error);
        AssertOsslsigncodeAccepts(path);
        await AssertWeAccept(path);
        var signed = File.ReadAllBytes(path);
        Assert.Equal(original, signed.AsSpan(0, original.Length).ToArray());
        // Everything after the script is the block, with CRLF on every line whatever the script
        // uses (Windows' PowerShell SIP finds only "\r\n# SIG # Begin signature block\r\n").
        var style = ScriptCommentStyle.ForExtension(Path.GetExtension(name).ToLowerInvariant())!;
        var block = ScriptFiles.Decode(signed.AsSpan(original.Length), encoding);
        Assert.StartsWith(Crlf + style.BeginLine + Crlf + style.Prefix, block, StringComparison.Ordinal);
        Assert.EndsWith(style.Suffix + Crlf + style.EndLine + Crlf, block, StringComparison.Ordinal);
        Assert.Equal(block.Split('\n').Length - 1, block.Split(Crlf).Length - 1);
        // The script's own line endings are untouched.
        Assert.Equal(lineEnding == Lf, !ScriptFiles.Decode(original, encoding).Contains('\r', StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("a.ps1", "# SIG # Begin signature block", "# SIG # End signature block")]
    [InlineData("Types.ps1xml", "<!-- SIG # Begin signature block -->", "<!-- SIG # End signature block -->")]
    [InlineData("Class.mof", "/* SIG # Begin signature block */", "/* SIG # End signature block */")]
    public async Task An_LF_script_gets_the_block_with_CRLF_bytes_in_every_comment_style(string name, string begin, string end)
    {
        using var dir = new TempDirectory();
        var path = dir.File(name);
        File.WriteAllBytes(path, "Get-Date\nGet-Item .\n"u8.ToArray());

        Assert.Equal(FileSigningStatus.Signed, (await SingleFormatSigning.SignAsync(_format, path)).Status);

        var bytes = File.ReadAllBytes(path);
        var head = System.Text.Encoding.ASCII.GetBytes($"Get-Date\nGet-Item .\n\r\n{begin}\r\n");
        Assert.Equal(head, bytes.AsSpan(0, head.Length).ToArray());
        var tail = System.Text.Encoding.ASCII.GetBytes($"\r\n{end}\r\n");
        Assert.Equal(tail, bytes.AsSpan(bytes.Length - tail.Length).ToArray());
        Assert.DoesNotContain(bytes.AsSpan(head.Length).ToArray().Select((b, i) => (b, i)), x => x.b == (byte)'\n' && bytes[head.Length + x.i - 1] != (byte)'\r');
        if (name.EndsWith(".ps1", StringComparison.Ordinal))
        {
            AssertOsslsigncodeAccepts(path);
        }
    }

    [Theory]
    [InlineData(ScriptTextEncoding.Utf8, true)]
    [InlineData(ScriptTextEncoding.Utf8WithBom, false)]
    [InlineData(ScriptTextEncoding.Utf16LittleEndian, false)]
    public async Task A_BOM_less_script_with_non_ASCII_text_is_signed_with_a_warning(ScriptTextEncoding encoding, bool warned)
    {
        using var dir = new TempDirectory();
        var path = ScriptFiles.Write(dir.File("a.ps1"), encoding, Crlf);

        var result = await SingleFormatSigning.SignAsync(_format, path);

        Assert.Equal(FileSigningStatus.Signed, result.Status);
        Assert.Equal(warned ? [ScriptFormat.NoBomWarning] : [], result.Warnings);
    }

    [Fact]
    public async Task A_BOM_less_ASCII_script_is_signed_without_a_warning()
    {
        using var dir = new TempDirectory();
        var path = dir.File("a.ps1");
        File.WriteAllText(path, "Get-Date\r\n");

        var result = await SingleFormatSigning.SignAsync(_format, path);

        Assert.Equal(FileSigningStatus.Signed, result.Status);
        Assert.Empty(result.Warnings);
    }

    [Theory]
    [InlineData(ScriptTextEncoding.Utf8, Lf, true)]
    [InlineData(ScriptTextEncoding.Utf8WithBom, Crlf, false)]
    [InlineData(ScriptTextEncoding.Utf16LittleEndian, Crlf, true)]
    public async Task OurScriptDigestEqualsOsslsigncodesAndWeVerifyItsSignature(ScriptTextEncoding encoding, string lineEnding, bool finalLineBreak)
    {
        using var dir = new TempDirectory();
        var path = ScriptFiles.Write(dir.File("in.ps1"), encoding, lineEnding, finalLineBreak);
        var byOsslsigncode = dir.File("by-osslsigncode.ps1");
        Osslsigncode.Sign(path, byOsslsigncode);

        var input = await _format.PrepareAsync(path, await _format.InspectAsync(path, CancellationToken.None), new SignatureOptions(), CancellationToken.None);

        Assert.Equal(Osslsigncode.CalculatedDigest(Osslsigncode.Verify(byOsslsigncode)), Convert.ToHexString(input.FileDigest.Span));
        await AssertWeAccept(byOsslsigncode);
    }

    [Fact]
    public async Task SipInfoIsTheValueOsslsigncodeWrites()
    {
        using var dir = new TempDirectory();
        var path = ScriptFiles.Write(dir.File("in.ps1"), ScriptTextEncoding.Utf8, Crlf);
        var byOsslsigncode = dir.File("by-osslsigncode.ps1");
        Osslsigncode.Sign(path, byOsslsigncode);
        var text = File.ReadAllText(byOsslsigncode);
        var base64 = string.Concat(text[text.IndexOf("# SIG # Begin", StringComparison.Ordinal)..].Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("# ", StringComparison.Ordinal) && !l.Contains("SIG #", StringComparison.Ordinal)).Select(l => l[2..]));

        var indirect = SpcIndirectDataContent.Decode(CmsSignatureReader.Read(Convert.FromBase64String(base64)).EncapsulatedContent!.Value);

        Assert.Equal(WellKnownOids.SpcSipInfo, indirect.DataType);
        Assert.Equal(Convert.ToHexString(indirect.DataValue.Span), Convert.ToHexString(PowerShellSipInfo.Encode()));
    }

    [Theory]
    [InlineData(ScriptTextEncoding.Utf8, Crlf)]
    [InlineData(ScriptTextEncoding.Utf16LittleEndian, Lf)]
    public async Task ChangedScriptFailsBothVerifiers(ScriptTextEncoding encoding, string lineEnding)
    {
        using var dir = new TempDirectory();
        var path = ScriptFiles.Write(dir.File("a.ps1"), encoding, lineEnding);
        Assert.Equal(FileSigningStatus.Signed, (await SingleFormatSigning.SignAsync(_format, path)).Status);

        var bytes = File.ReadAllBytes(path);
        var at = Array.IndexOf(bytes, (byte)'G'); // "Get-Date" becomes "Fet-Date"
        bytes[at] = (byte)'F';
        File.WriteAllBytes(path, bytes);

        Assert.NotEqual(0, Osslsigncode.Verify(path).ExitCode);
        var ours = await _format.VerifyAsync(path, TrustTestRoot, CancellationToken.None);
        Assert.False(ours.IsValid);
        Assert.Contains("script digest mismatch: the script was changed after signing", ours.Signatures.Single().Problems);
    }

    [Fact]
    public async Task ResigningReplacesTheBlockAndKeepsTheScript()
    {
        using var dir = new TempDirectory();
        var path = ScriptFiles.Write(dir.File("a.ps1"), ScriptTextEncoding.Utf8, Lf, finalLineBreak: false);
        var original = File.ReadAllBytes(path);
        Assert.Equal(FileSigningStatus.Signed, (await SingleFormatSigning.SignAsync(_format, path, "rsa")).Status);
        Assert.Equal(1, (await _format.InspectAsync(path, CancellationToken.None)).ExistingSignatures);

        var again = await SingleFormatSigning.SignAsync(_format, path, "ecdsa");

        Assert.True(again.Status == FileSigningStatus.Signed, again.Error);
        Assert.Equal(PlannedAction.Replace, again.Action);
        AssertOsslsigncodeAccepts(path);
        var ours = await _format.VerifyAsync(path, TrustTestRoot, CancellationToken.None);
        Assert.True(ours.IsValid);
        Assert.Contains("ECDSA", ours.Signatures.Single().Signer, StringComparison.Ordinal);
        var text = File.ReadAllText(path);
        Assert.Single(text.Split("# SIG # Begin signature block").Skip(1));
        Assert.Equal(original, File.ReadAllBytes(path).AsSpan(0, original.Length).ToArray());
        Assert.Equal("\r\n"u8.ToArray(), File.ReadAllBytes(path).AsSpan(original.Length, 2).ToArray());
    }

    [Fact]
    public async Task ResigningAScriptSignedByOsslsigncodeReplacesItsBlock()
    {
        using var dir = new TempDirectory();
        var source = ScriptFiles.Write(dir.File("in.ps1"), ScriptTextEncoding.Utf16LittleEndian, Crlf);
        var path = dir.File("a.ps1");
        Osslsigncode.Sign(source, path);

        var result = await SingleFormatSigning.SignAsync(_format, path, "ecdsa");

        Assert.True(result.Status == FileSigningStatus.Signed, result.Error);
        AssertOsslsigncodeAccepts(path);
        var signed = File.ReadAllBytes(path);
        var original = File.ReadAllBytes(source);
        Assert.Equal(original, signed.AsSpan(0, original.Length).ToArray());
        Assert.Single(ScriptFiles.ReadText(path, ScriptTextEncoding.Utf16LittleEndian).Split("# SIG # Begin signature block").Skip(1));
    }

    [Theory]
    [InlineData(new byte[] { 0x57, 0x72, 0xC3, 0x28, 0x0A })]             // invalid UTF-8 sequence
    [InlineData(new byte[] { 0xFF, 0xFE, 0x41, 0x00, 0x00, 0xD8, 0x0A, 0x00 })] // UTF-16LE with a lone surrogate
    [InlineData(new byte[] { 0xFF, 0xFE, 0x41, 0x00, 0x42 })]              // UTF-16LE with an odd length
    public async Task InvalidTextEncodingIsRefusedAndTheFileIsUnchanged(byte[] content)
    {
        using var dir = new TempDirectory();
        var path = dir.File("bad.ps1");
        File.WriteAllBytes(path, content);

        var result = await SingleFormatSigning.SignAsync(_format, path);

        Assert.Equal(FileSigningStatus.Failed, result.Status);
        Assert.StartsWith("invalid text encoding", result.Error, StringComparison.Ordinal);
        Assert.Equal(content, File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public async Task AMalformedBlockIsRefusedRatherThanDroppedWithTheTextAfterIt()
    {
        using var dir = new TempDirectory();
        var path = dir.File("a.ps1");
        File.WriteAllText(path, "Get-Date\r\n# SIG # Begin signature block\r\nWrite-Host 'still code'\r\n");
        var before = File.ReadAllBytes(path);

        var result = await SingleFormatSigning.SignAsync(_format, path);

        Assert.Equal(FileSigningStatus.Failed, result.Status);
        Assert.Equal("malformed signature block (no end line); remove it before signing", result.Error);
        Assert.Equal(before, File.ReadAllBytes(path));
    }

    [Fact]
    public async Task AppendIsRefusedAndTheSignatureStays()
    {
        using var dir = new TempDirectory();
        var path = ScriptFiles.Write(dir.File("a.ps1"), ScriptTextEncoding.Utf8, Crlf);
        Assert.Equal(FileSigningStatus.Signed, (await SingleFormatSigning.SignAsync(_format, path)).Status);
        var signed = File.ReadAllBytes(path);

        var append = await SingleFormatSigning.SignAsync(_format, path, onExisting: ExistingSignatureAction.Append);

        Assert.Equal(FileSigningStatus.Failed, append.Status);
        Assert.Equal(signed, File.ReadAllBytes(path));
    }

    [Fact]
    public async Task VerifyReportsUnsignedAndMalformedBlocks()
    {
        using var dir = new TempDirectory();
        var path = ScriptFiles.Write(dir.File("a.ps1"), ScriptTextEncoding.Utf8, Crlf);
        Assert.Equal("not signed", (await _format.VerifyAsync(path, TrustTestRoot, CancellationToken.None)).Error);

        File.AppendAllText(path, "\r\n# SIG # Begin signature block\r\n# MIIF\r\n");
        Assert.Equal("malformed signature block (no end line)", (await _format.VerifyAsync(path, TrustTestRoot, CancellationToken.None)).Error);
    }

    [Theory]
    [InlineData("a.ps1", true)]
    [InlineData("a.PSM1", true)]
    [InlineData("a.psd1", true)]
    [InlineData("a.ps1xml", true)]
    [InlineData("a.psc1", true)]
    [InlineData("a.cdxml", true)]
    [InlineData("a.mof", true)]
    [InlineData("a.js", false)]
    [InlineData("a.ps1.bak", false)]
    public void RecognizesScriptsByExtension(string name, bool expected) =>
        Assert.Equal(expected, _format.Recognizes(new FileHead(name, "x"u8.ToArray(), 1)));
}
