using System.Text;
using BuildSign.Core.Cms;
using BuildSign.Core.Formats;
using BuildSign.Core.Verification;
using BuildSign.Testing;

namespace BuildSign.Core.Tests.Verifying;

/// <summary>
/// Byte-mutates a signed file inside its signature, at seeded offsets, and checks every mutant:
/// verify returns a result (never throws), and what it calls valid an outside verifier accepts too.
/// </summary>
internal static class SignatureMutation
{
    public static VerificationOptions TrustTestRoot => new() { TrustedCertificates = [TestPki.Shared.Root], TrustedTimestampCertificates = [TestPki.Shared.Root] };

    /// <summary>
    /// Runs <paramref name="count"/> mutants of <paramref name="signed"/> (bytes in [start, end)
    /// changed one at a time) through <paramref name="format"/>'s verify. <paramref name="outside"/>
    /// judges each mutant BuildSign calls valid; returns the findings, empty when all is well.
    /// </summary>
    public static async Task<List<string>> RunAsync(IFileFormat format, string signed, string mutantPath, long start, long end, int count, int seed, Func<string, ToolResult> outside, Func<byte[], int, Random, byte[]>? mutate = null)
    {
        var original = await File.ReadAllBytesAsync(signed);
        var random = new Random(seed);
        var findings = new List<string>();
        var valid = 0;
        for (var i = 0; i < count; i++)
        {
            var offset = (int)(start + random.NextInt64(end - start));
            var bytes = mutate is null ? Flip(original, offset, random) : mutate(original, offset, random);
            await File.WriteAllBytesAsync(mutantPath, bytes);
            FileVerification result;
            try
            {
                result = await format.VerifyAsync(mutantPath, TrustTestRoot, CancellationToken.None);
            }
            catch (Exception e)
            {
                findings.Add($"offset {offset}: verify threw {e.GetType().Name}: {e.Message}");
                continue;
            }
            if (result.IsValid)
            {
                valid++;
                var judged = outside(mutantPath);
                if (judged.ExitCode != 0)
                    findings.Add($"offset {offset}: BuildSign says valid, the outside verifier refuses: {judged.Output.ReplaceLineEndings(" ")}");
            }
        }
        // Nearly every byte of a signature is covered by a digest, a signature or strict decoding.
        if (valid > count / 10)
            findings.Add($"{valid} of {count} mutants verified: the signature region is not really checked");
        return findings;
    }

    private static byte[] Flip(byte[] original, int offset, Random random)
    {
        var bytes = (byte[])original.Clone();
        bytes[offset] ^= (byte)random.Next(1, 256);
        return bytes;
    }

    /// <summary>Replaces one base64 character of a script's signature block with another base64 character.</summary>
    public static byte[] ChangeBase64Character(byte[] original, int offset, Random random)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        var bytes = (byte[])original.Clone();
        // Walk to the nearest base64 character at or after the offset, skipping the "# " comment prefix.
        while (offset < bytes.Length - 1 && (alphabet.IndexOf((char)bytes[offset], StringComparison.Ordinal) < 0 || bytes[offset - 1] == '#'))
            offset++;
        char replacement;
        do replacement = alphabet[random.Next(alphabet.Length)]; while (replacement == bytes[offset]);
        bytes[offset] = (byte)replacement;
        return bytes;
    }

    /// <summary>openssl ts -verify for the timestamp token of a CMS signature, against the signature value it stamps; exit 0 when there is none.</summary>
    public static ToolResult OpenSslTimestamp(byte[] contentInfo, TempDirectory temp)
    {
        var cms = CmsSignatureReader.Read(contentInfo);
        var token = cms.UnsignedValues(WellKnownOids.SignatureTimeStampToken).Concat(cms.UnsignedValues(WellKnownOids.AuthenticodeRfc3161Timestamp)).Select(v => v.ToArray()).FirstOrDefault();
        if (token is null)
            return new ToolResult(0, "", "");
        File.WriteAllBytes(temp.File("token.der"), token);
        File.WriteAllBytes(temp.File("stamped.bin"), cms.SignatureValue.ToArray());
        return ExternalTool.Run("openssl", ["ts", "-verify", "-data", temp.File("stamped.bin"), "-in", temp.File("token.der"), "-token_in", "-CAfile", TestPki.Shared.RootPem, "-untrusted", TestPki.Shared.TsaLeafPem], timeout: TimeSpan.FromSeconds(30));
    }

    /// <summary>Both results must pass: the first failure, or the last success.</summary>
    public static ToolResult Both(ToolResult first, Func<ToolResult> second) => first.ExitCode != 0 ? first : second();

    /// <summary>The script's signature block: from the begin line to the end of the file.</summary>
    public static (long Start, long End) ScriptBlock(byte[] script)
    {
        var start = Encoding.ASCII.GetString(script).IndexOf("# SIG # Begin signature block", StringComparison.Ordinal);
        Assert.True(start >= 0);
        return (start + 32, script.Length - 32);
    }
}
