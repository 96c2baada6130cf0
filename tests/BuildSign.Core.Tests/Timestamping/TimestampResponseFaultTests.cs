using BuildSign.Core.Timestamping;
using BuildSign.DevTools.Timestamping;
using BuildSign.Testing;

namespace BuildSign.Core.Tests.Timestamping;

/// <summary>
/// A fault-injecting TSA: real responses corrupted at every offset and truncated at every length.
/// Whatever comes back is either refused with one clean line, or is a token that verify accepts
/// too (the same checks) and that OpenSSL accepts (a verifier this project did not write).
/// </summary>
public sealed class TimestampResponseFaultTests
{
    private static readonly byte[] SignatureValue = [.. Enumerable.Range(0, 256).Select(i => (byte)(i * 7))];

    [Fact]
    public void Every_corrupted_or_truncated_response_is_refused_cleanly_or_verifies()
    {
        var request = TimestampRequest.Create(SignatureValue, DigestAlgorithm.Sha256);
        var response = TestTsa.Authority.Respond(request.Der);
        var mutants = new List<(string What, byte[] Bytes)>();
        for (var offset = 0; offset < response.Length; offset++)
        {
            // Every byte inverted; every fourth with only its low bit flipped as well (bounded for CI).
            foreach (var mask in offset % 4 == 0 ? new byte[] { 0x01, 0xFF } : [0xFF])
            {
                var mutant = (byte[])response.Clone();
                mutant[offset] ^= mask;
                mutants.Add(($"byte {offset} ^ 0x{mask:x2}", mutant));
            }
        }
        for (var length = 0; length < response.Length; length += 11)
        {
            mutants.Add(($"truncated to {length}", response[..length]));
        }

        var accepted = new List<(string What, byte[] Bytes)>();
        foreach (var (what, bytes) in mutants)
        {
            TimestampResult result;
            try
            {
                result = TimestampResponseValidator.Validate(bytes, DigestAlgorithm.Sha256, request.Imprint, request.Nonce);
            }
            catch (SigningException e)
            {
                Assert.False(e.Message.Contains('\n', StringComparison.Ordinal) || e.Message.Contains("   at ", StringComparison.Ordinal), $"{what}: {e.Message}");
                continue;
            }
            // Never embed what verify would refuse: the same checks, plus the TSA chain.
            var verification = TimestampTokenVerifier.Verify(result.Token, SignatureValue, [TestPki.Shared.Root]);
            Assert.True(verification.IsValid, $"{what}: accepted when signing, refused by verify: {string.Join("; ", verification.Problems)}");
            accepted.Add((what, bytes));
        }

        // Only bytes outside what the TSA signed can change unnoticed (the status, say); few do.
        Assert.InRange(accepted.Count, 0, mutants.Count / 20);
        using var temp = new TempDirectory();
        foreach (var (what, bytes) in accepted.Take(8))
        {
            File.WriteAllBytes(temp.File("response.tsr"), bytes);
            var openssl = ExternalTool.Run("openssl",
                ["ts", "-verify", "-digest", Convert.ToHexString(request.Imprint), "-in", temp.File("response.tsr"), "-CAfile", TestPki.Shared.RootPem, "-untrusted", TestPki.Shared.TsaLeafPem],
                timeout: TimeSpan.FromSeconds(30));
            Assert.True(openssl.ExitCode == 0, $"{what}: accepted by BuildSign, refused by openssl ts -verify: {openssl.Output}");
        }
    }

    [Fact]
    public async Task Corrupt_responses_are_retried_and_a_clean_one_is_used()
    {
        // The first answer is truncated, the second has a flipped bit in the TSA's signature.
        await using var server = TestTsa.StartServer(new TimestampAuthorityServerOptions
        {
            TransformResponse = (number, body) => number switch
            {
                1 => body[..(body.Length / 2)],
                2 => Flip(body, body.Length - 5),
                _ => body,
            },
        });
        using var client = new TimestampClient(TestTsa.FastOptions(server.Url));

        var result = await client.TimestampAsync(SignatureValue, DigestAlgorithm.Sha256, CancellationToken.None);

        Assert.Equal(3, server.RequestCount);
        Assert.True(TimestampTokenVerifier.Verify(result.Token, SignatureValue, [TestPki.Shared.Root]).IsValid);
    }

    [Fact]
    public async Task A_tsa_that_always_answers_garbage_fails_over_to_the_next_with_a_clean_reason()
    {
        await using var broken = TestTsa.StartServer(new TimestampAuthorityServerOptions { TransformResponse = (_, body) => Flip(body, 40) });
        await using var good = TestTsa.StartServer();
        using var client = new TimestampClient(TestTsa.FastOptions(broken.Url, good.Url));

        var result = await client.TimestampAsync(SignatureValue, DigestAlgorithm.Sha256, CancellationToken.None);
        Assert.Equal(good.Url, result.Url);
        Assert.Equal(3, broken.RequestCount);

        using var alone = new TimestampClient(TestTsa.FastOptions(broken.Url));
        var error = await Assert.ThrowsAsync<SigningException>(() => alone.TimestampAsync(SignatureValue, DigestAlgorithm.Sha256, CancellationToken.None));
        Assert.Contains(broken.Url.ToString(), error.Message);
        Assert.Contains("timestamp token", error.Message);
        Assert.DoesNotContain('\n', error.Message);
        Assert.DoesNotContain("   at ", error.Message);
    }

    private static byte[] Flip(byte[] body, int offset)
    {
        var copy = (byte[])body.Clone();
        copy[offset] ^= 0x01;
        return copy;
    }
}
